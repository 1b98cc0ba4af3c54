/** A tiny cookie-keeping client for the admin page over fetch (no browser). */
export interface AdminClient {
  get(path: string): Promise<{ status: number; text: string; headers: Headers }>;
  post(path: string, form: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }>;
  cookies: Map<string, string>;
}

export function adminClient(origin: string): AdminClient {
  const cookies = new Map<string, string>();
  const remember = (headers: Headers) => {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/Max-Age=0/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
  };
  const cookieHeader = () => [...cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  const send = async (path: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    if (cookies.size > 0) headers.set('cookie', cookieHeader());
    const response = await fetch(`${origin}${path}`, { ...init, headers, redirect: 'manual' });
    remember(response.headers);
    return { status: response.status, text: await response.text(), headers: response.headers };
  };
  return {
    cookies,
    get: (path) => send(path, { method: 'GET' }),
    post: (path, form) =>
      send(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() }),
  };
}

/** The value of a hidden `_csrf` input in a page. */
export function csrfOf(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1];
}

/** Signs in through the form; resolves to the client with its session cookie. */
export async function signIn(origin: string, name: string, password: string): Promise<AdminClient> {
  const client = adminClient(origin);
  const form = await client.get('/admin/login');
  const answer = await client.post('/admin/login', { _csrf: csrfOf(form.text), name, password });
  if (answer.status !== 303) throw new Error(`sign-in answered ${answer.status}`);
  return client;
}
