// Sign-in at the organisation's identity provider (docs/ui.md, "Signing in"): authorization code with PKCE, as a public
// client. The node says whether one is configured (GET api/auth/config); the verifier and state live in this tab's
// session storage only between the redirect and its return.

export interface OidcConfig {
  issuer: string;
  client_id: string;
  scopes: string;
  audience: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

const pending = "siem.oidc.pending";

export async function oidcConfig(): Promise<OidcConfig | null> {
  try {
    const response = await fetch("api/auth/config");
    if (!response.ok) return null;
    const body = await response.json();
    return (body.oidc as OidcConfig | null) ?? null;
  } catch {
    return null;
  }
}

function base64Url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function random(bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function redirectUri(): string {
  return location.origin + location.pathname;
}

/** Leaves for the issuer's sign-in page; it comes back with ?code=…&state=…. */
export async function beginSignIn(config: OidcConfig): Promise<void> {
  const verifier = random(32);
  const state = random(16);
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  sessionStorage.setItem(pending, JSON.stringify({ verifier, state, view: location.hash }));
  const url = new URL(config.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.client_id,
    redirect_uri: redirectUri(),
    scope: config.scopes,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

/**
 * Back from the issuer: trades the code for a token (the verifier proves this tab started the sign-in), then removes
 * the code from the address bar. Null when this page load is not such a return; throws with the reason when it fails.
 */
export async function completeSignIn(config: OidcConfig | null): Promise<string | null> {
  const query = new URLSearchParams(location.search);
  const code = query.get("code");
  const error = query.get("error");
  if (!code && !error) return null;
  const saved = JSON.parse(sessionStorage.getItem(pending) ?? "null") as { verifier: string; state: string; view: string } | null;
  sessionStorage.removeItem(pending);
  history.replaceState(null, "", location.pathname + (saved?.view ?? ""));
  if (error) throw new Error(`The identity provider refused the sign-in: ${query.get("error_description") ?? error}`);
  if (!config || !saved || saved.state !== query.get("state")) throw new Error("This sign-in was not started here (its state does not match): sign in again.");
  const response = await fetch(config.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: code!,
      redirect_uri: redirectUri(),
      client_id: config.client_id,
      code_verifier: saved.verifier,
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.access_token !== "string") {
    throw new Error(`The identity provider did not issue a token: ${body.error_description ?? body.error ?? response.status}`);
  }
  return body.access_token as string;
}
