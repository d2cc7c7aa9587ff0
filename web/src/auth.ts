// The analyst's token: kept in this browser's local storage, checked against /api/me, dropped on 401 or sign-out.
const key = "siem.token";

export interface Me {
  user: string;
  roles: string[];
  expires: number | null;
}

export function storedToken(): string | null {
  return localStorage.getItem(key);
}

export function forgetToken(): void {
  localStorage.removeItem(key);
}

/** Checks a token with the node; keeps it when valid. Throws with a readable reason otherwise. */
export async function signIn(token: string): Promise<Me> {
  const response = await fetch("api/me", { headers: { Authorization: `Bearer ${token}` } });
  if (response.status === 401) throw new Error("The token was refused: it is expired, or not signed for this cluster.");
  if (!response.ok) throw new Error(`The node answered ${response.status}.`);
  const me = (await response.json()) as Me;
  if (me.roles.length === 0) throw new Error(`${me.user} has no role here (viewer, responder or admin): ask an administrator.`);
  localStorage.setItem(key, token);
  return me;
}

/** GET of an API path with the token; a 401 means the session is over. */
export async function apiGet<T>(path: string, token: string): Promise<{ status: number; body: T }> {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  if (response.status === 401) {
    forgetToken();
    location.reload();
  }
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}
