// Which links may leave the app for the user's browser (shell.openExternal). Everything
// else is refused: an attacker-controlled URL handed to the OS can launch programs.

export interface AllowedLink {
  /** Exact origin, e.g. https://docs.example.com */
  origin: string;
  /** Path prefix under that origin ('/' = the whole site). */
  pathPrefix: string;
}

/**
 * Nothing leaves the app by default; a deployment lists the https prefixes its staff may open
 * (an intranet wiki, a runbook) in RISK_DESK_EXTERNAL_URLS, comma-separated.
 */
export function externalAllowList(envList: string | undefined): AllowedLink[] {
  const list: AllowedLink[] = [];
  for (const raw of (envList ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    try {
      const u = new URL(raw);
      if (u.protocol === 'https:' && !u.username && !u.password) list.push({ origin: u.origin, pathPrefix: u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/` });
    } catch {
      // An unparsable entry allows nothing.
    }
  }
  return list;
}

/** https only, no credentials, an allow-listed origin and path prefix (compared after URL normalisation). */
export function isAllowedExternalUrl(raw: string, allowList: readonly AllowedLink[]): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password) return false;
  return allowList.some((a) => u.origin === a.origin && (a.pathPrefix === '/' || u.pathname.startsWith(a.pathPrefix)));
}
