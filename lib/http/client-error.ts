// The status for a request Node's parser refused before any handler saw it.

/** What `clientError` hands over: Node's parser error code and the bytes it was parsing. */
export interface ParserError {
  code?: string | undefined;
  rawPacket?: Buffer | undefined;
}

const REQUEST_LINE_START = /^[A-Z]{3,10} [^\r\n]/;

/**
 * 431 for headers over the size cap, 414 when what overflowed is the request target itself
 * (Node counts the request line toward the header cap, so a 100 KB URL would otherwise read as
 * 431), 408 for a request that took too long, 400 for anything unparseable.
 */
export function clientErrorStatus(error: ParserError, maxUrlBytes: number): 400 | 408 | 414 | 431 {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (error.code !== 'HPE_HEADER_OVERFLOW') return 400;
  const raw = error.rawPacket;
  if (raw && REQUEST_LINE_START.test(raw.subarray(0, 16).toString('latin1'))) {
    const end = raw.indexOf('\r\n');
    const lineBytes = end === -1 ? raw.length : end;
    if (lineBytes > maxUrlBytes) return 414;
  }
  return 431;
}
