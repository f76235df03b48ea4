// The API as the studio uses it: same-origin requests (relative URLs only, so nothing leaves the server's
// origin and the page's connect-src 'self' holds), the key from session storage in a header (never in a URL:
// URLs end up in logs and history), errors turned into ApiError with the server's {"detail","code"}.
import { language } from "./i18n";

const KEY = "yivideo.apiKey";

export function apiKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
  who = null;
}

// What the server says of the caller (GET /v1/whoami, open to all): whether keys are on and the scopes this
// tab's key holds (every scope with keys off).
export interface Whoami {
  keys_enabled: boolean;
  key: { id: string; name: string } | null;
  scopes: string[];
}

let who: Promise<Whoami> | null = null;

// Asked once per key; a failed answer is asked again next time.
export function whoami(): Promise<Whoami> {
  who ??= getJson<Whoami>("/v1/whoami").catch((e) => {
    who = null;
    throw e;
  });
  return who;
}

// Whether the caller may see the fleet (monitoring is for admin keys; the server refuses the others too).
export async function isAdmin(): Promise<boolean> {
  return (await whoami()).scopes.includes("admin");
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function authHeaders(): Record<string, string> {
  const headers: Record<string, string> = { "Accept-Language": language() };
  const key = apiKey();
  if (key) headers["Authorization"] = `Bearer ${key}`;
  return headers;
}

// A URL the server gave (download_urls name the host the request used, or YIVIDEO_PUBLIC_URL) as a path on
// this origin, so the studio never follows it elsewhere.
export function sameOrigin(url: string): string {
  const u = new URL(url, location.origin);
  return u.pathname + u.search;
}

async function failure(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    return new ApiError(res.status, body.code ?? "error", body.detail ?? text);
  } catch {
    return new ApiError(res.status, "error", text || res.statusText);
  }
}

export async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const headers = authHeaders();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // Keys are on and this tab has none, or a revoked one: the login page, wherever the request came from.
  if (res.status === 401 && !location.hash.startsWith("#/login")) location.hash = "#/login";
  if (!res.ok) throw await failure(res);
  return res;
}

// Whether the server wants a key.
export async function keysRequired(): Promise<boolean> {
  return (await whoami()).keys_enabled;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await request("GET", path)).json() as Promise<T>;
}

export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  return (await request("POST", path, body)).json() as Promise<T>;
}

export async function getBlob(path: string): Promise<Blob> {
  return (await request("GET", path)).blob();
}

export async function getText(path: string): Promise<string> {
  return (await request("GET", path)).text();
}

// POSTs a body with progress (fetch reports none for request bodies, XMLHttpRequest does); the JSON answer,
// or an ApiError (status 0 when the network failed).
export function postWithProgress<T>(
  path: string,
  body: FormData | Blob,
  onProgress: (sent: number, total: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    if (body instanceof Blob) xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total);
    xhr.onerror = () => reject(new ApiError(0, "network_error", "the upload was interrupted"));
    xhr.onload = () => {
      let answer: { code?: string; detail?: string } = {};
      try {
        answer = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: reported below with the status
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(answer as T);
      else reject(new ApiError(xhr.status, answer.code ?? "error", answer.detail ?? xhr.statusText));
    };
    xhr.send(body);
  });
}

// Uploads a file in one request (small files; big ones go in parts: resumable.ts).
export function upload(
  file: File,
  filePath: string,
  onProgress: (sent: number, total: number) => void,
): Promise<{ file_path: string }> {
  const form = new FormData();
  form.append("file_path", filePath);
  form.append("file", file);
  return postWithProgress("/v1/files/upload", form, onProgress);
}

// What to tell the user about a failure: the server's own sentence (in the page's language) and its code.
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.code ? `${e.detail} (${e.code})` : e.detail;
  return e instanceof Error ? e.message : String(e);
}
