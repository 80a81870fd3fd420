// ISO 4217 codes as known to the runtime's ICU data (current codes such as EUR, USD, CHF;
// not CNH, which is no ISO code), so the list updates with Node.js rather than with a table kept by hand.
const CODES = new Set(Intl.supportedValuesOf('currency'));

export function isIsoCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && CODES.has(code);
}
