// Monitoring (api-contract §6) for operators: health with its components, workers and orphaned jobs, each
// node's statistics, the first GPU lease and the time limits. Each part shows the server's answer as it is;
// it is for admin keys (the server refuses the fleet's routes to the others), so another key is told so.
import { errorText, getJson, isAdmin } from "../api";
import { h, show } from "../dom";
import { type Key, t } from "../i18n";

const PARTS: [Key, string][] = [
  ["health", "/api/v1/monitoring/health"],
  ["workers", "/api/v1/monitoring/heartbeat/all"],
  ["statistics", "/api/v1/monitoring/statistics"],
  ["gpu", "/api/v1/monitoring/gpu-lock/status?lock_key=gpu_lock:0"],
  ["timeouts", "/api/v1/monitoring/timeout/config"],
];

export function renderMonitor(main: HTMLElement): void {
  show(main, h("h1", {}, t("monitor_title")), h("p", {}, t("monitor_intro")));
  const note = h("p", { role: "status" }, t("loading"));
  main.append(note);
  isAdmin().then(
    (admin) => {
      if (!admin) return void (note.textContent = t("monitor_admin_only"));
      note.remove();
      showParts(main);
    },
    (e) => (note.textContent = errorText(e)),
  );
}

function showParts(main: HTMLElement): void {
  for (const [key, path] of PARTS) {
    const body = h("pre", {}, t("loading"));
    main.append(h("section", {}, h("h2", {}, t(key)), body));
    getJson<unknown>(path)
      .then((answer) => (body.textContent = JSON.stringify(answer, null, 2)))
      .catch((e) => (body.textContent = errorText(e)));
  }
}
