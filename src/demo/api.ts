// The HTTP client the demo seeders use: JSON in and out with a bearer token,
// and errors that say which call failed and why (or that the server is down).

/** Calls the running server's API; resolves with the JSON answer, rejects on a non-2xx. */
export type DemoApi = (method: string, path: string, body?: unknown) => Promise<any>;

export function httpDemoApi(baseUrl: string, token: string): DemoApi {
  return async (method, path, body) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((err) => {
      throw new Error(`cannot reach the server at ${baseUrl} (${err.cause?.code ?? err.message}); is it running (npm start)?`);
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) throw Object.assign(new Error(`${method} ${path}: ${res.status} ${json?.error?.code ?? ''} ${json?.error?.message ?? ''}`.trim()), { status: res.status });
    return json;
  };
}
