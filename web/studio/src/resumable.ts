// Big files go up in parts (POST /v1/uploads, parts appended at the session's offset, then complete;
// docs/architecture.md, "Resumable uploads"), so a dropped connection costs at most one part and a reload
// nothing: the session's id is remembered in localStorage under the file's name, size and time, and choosing
// the same file again asks the server how far it got and sends the rest. A failed part is retried from the
// offset the server reports, after growing pauses; refusals that waiting cannot cure end the upload.
import { ApiError, getJson, postJson, postWithProgress } from "./api";

// Files from this size on; smaller ones take one request.
export const RESUMABLE_FROM = 8 << 20;
const PART = 4 << 20;
const SESSIONS = "yivideo.uploads";
const ATTEMPTS = 8;

interface Session {
  upload_id: string;
  file_path: string;
  size: number;
  offset: number;
}

function remembered(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(SESSIONS) ?? "{}");
  } catch {
    return {};
  }
}

function remember(file: string, id: string | null): void {
  const all = remembered();
  if (id) all[file] = id;
  else delete all[file];
  localStorage.setItem(SESSIONS, JSON.stringify(all));
}

// Worth another try: the network (0), a session busy with a dropped request or at another offset (409), a
// server or proxy in trouble (5xx but a full disk).
function passing(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 0 || e.status === 409 || (e.status >= 500 && e.status !== 507));
}

async function resumeOrStart(file: File, filePath: string, name: string): Promise<Session> {
  const known = remembered()[name];
  if (known) {
    try {
      return await getJson<Session>(`/v1/uploads/${known}`);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
    }
  }
  const session = await postJson<Session>("/v1/uploads", { file_path: filePath, size: file.size });
  remember(name, session.upload_id);
  return session;
}

export async function resumableUpload(
  file: File,
  filePath: string,
  onProgress: (sent: number, total: number) => void,
): Promise<{ file_path: string }> {
  const name = `${file.name}:${file.size}:${file.lastModified}`;
  let session = await resumeOrStart(file, filePath, name);
  let failures = 0;
  let ask = false; // whether the offset must be asked for (after a failure)
  while (session.offset < file.size || ask) {
    try {
      if (ask) session = await getJson<Session>(`/v1/uploads/${session.upload_id}`);
      ask = false;
      const offset = session.offset;
      onProgress(offset, file.size);
      if (offset === file.size) break;
      session = await postWithProgress<Session>(
        `/v1/uploads/${session.upload_id}/parts?offset=${offset}`,
        file.slice(offset, offset + PART),
        (sent) => onProgress(offset + sent, file.size),
      );
      failures = 0;
    } catch (e) {
      if (!passing(e) || ++failures >= ATTEMPTS) throw e;
      ask = true;
      await new Promise((wake) => setTimeout(wake, Math.min(250 * 2 ** failures, 10_000)));
    }
  }
  const stored = await postJson<{ file_path: string }>(`/v1/uploads/${session.upload_id}/complete`);
  remember(name, null);
  return stored;
}
