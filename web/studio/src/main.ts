// The studio's shell: header, language switch and a hash router (#/new, #/workflows, #/workflow/<id>,
// #/monitor, #/login), so the server serves one page and the API key never appears in a URL. Each page draws
// into <main> and may return a function that stops what it started (an event stream) when the user leaves.
import { apiKey, isAdmin, keysRequired } from "./api";
import { h, show } from "./dom";
import { language, setLanguage, t, type Key } from "./i18n";
import { renderLogin } from "./pages/login";
import { renderMonitor } from "./pages/monitor";
import { renderNewRun } from "./pages/new_run";
import { renderWorkflow } from "./pages/workflow";
import { renderWorkflows } from "./pages/workflows";

export type Page = (main: HTMLElement, arg: string) => (() => void) | void;

const pages: Record<string, Page> = {
  login: renderLogin,
  new: renderNewRun,
  workflows: renderWorkflows,
  workflow: renderWorkflow,
  monitor: renderMonitor,
};

const app = document.getElementById("app")!;
let leave: (() => void) | void;

function nav(route: string, key: Key): HTMLElement {
  const current = location.hash.slice(2).split("/")[0] === route;
  return h("a", { href: `#/${route}`, "aria-current": current ? "page" : null }, t(key));
}

function render(): void {
  if (leave) leave();
  leave = undefined;
  const [route, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  const page = pages[route] ?? renderNewRun;
  const main = h("main", { id: "main", tabindex: "-1" });
  const other = language() === "zh" ? "en" : "zh";
  // Shown once the server says the key is an admin's (with keys off, everyone is).
  const monitor = nav("monitor", "nav_monitor");
  monitor.hidden = true;
  isAdmin()
    .then((admin) => (monitor.hidden = !admin))
    .catch(() => undefined);
  show(
    app,
    h("a", { class: "skip", href: "#main", onclick: skipToMain }, t("skip")),
    h(
      "header",
      {},
      h("strong", { class: "brand" }, t("title")),
      h(
        "nav",
        { "aria-label": t("title") },
        nav("new", "nav_new"),
        nav("workflows", "nav_workflows"),
        monitor,
        nav("login", "nav_login"),
        h("a", { href: "/docs" }, t("nav_docs")),
      ),
      h(
        "button",
        {
          type: "button",
          lang: other === "zh" ? "zh-CN" : "en",
          "aria-label": t("switch_language_label"),
          onclick: () => {
            setLanguage(other);
            render();
          },
        },
        t("switch_language"),
      ),
    ),
    main,
  );
  leave = page(main, decodeURIComponent(rest.join("/")));
  // Focus moves to the new page for keyboard and screen-reader users; the view stays at the top.
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

function skipToMain(e: Event): void {
  e.preventDefault();
  document.getElementById("main")?.focus();
}

setLanguage(language());
window.addEventListener("hashchange", render);
if (!location.hash && !apiKey()) {
  // Keys on and none given yet: start at the login page, else at a new run.
  keysRequired().then((required) => (location.hash = required ? "#/login" : "#/new"));
} else {
  render();
}
