import type { AppConfig } from '../config/app-config.ts';
import type { Logger } from '../observe/logger.ts';
import type { Cache } from './cache.ts';
import { memoryCache } from './memory-cache.ts';
import { redisCache } from './redis-cache.ts';

export {
  type Cache,
  type CacheHealth,
  type CacheOptions,
  cacheAside,
  cacheAsideText,
  cached,
  decodedHit,
  type Found,
  TTL,
  tags,
} from './cache.ts';
export { memoryCache } from './memory-cache.ts';
export { redisCache } from './redis-cache.ts';

/** Redis when REDIS_URL is set, the in-process cache otherwise. */
export function createCache(config: Pick<AppConfig, 'redisUrl'>, logger?: Logger, namespace?: string): Cache {
  return config.redisUrl === undefined
    ? memoryCache()
    : redisCache({ url: config.redisUrl, logger, namespace });
}
