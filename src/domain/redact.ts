// Credentials never reach a terminal, a log or an error message: a URL is shown without them.

/** Query parameters that carry a credential in the URLs perfrecon is given. */
const SECRET_PARAMS = /^(password|passwd|pwd|token|access_token|api[-_]?key|key|secret|sig|signature)$/i;

/**
 * The URL with its password and credential-bearing query parameters replaced by `***`. A value
 * that is not a URL is not shown at all: it may be a credential pasted in the wrong place.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(a value that is not a URL, not shown)';
  }
  if (url.password !== '') url.password = '***';
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_PARAMS.test(key)) url.searchParams.set(key, '***');
  }
  // URL encodes the asterisks of a query parameter; show them as typed.
  return url.toString().replaceAll('%2A%2A%2A', '***');
}
