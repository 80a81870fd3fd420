// The product's version, read from package.json: the one place it is written.
import packageJson from '../../package.json' with { type: 'json' };

export const PRODUCT_VERSION: string = packageJson.version;
