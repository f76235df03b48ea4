// The workflow list, newest first, filtered by status and paged with next_cursor (GET /v1/workflows); each
// row opens the workflow's page. A key that is not admin sees its own workflows only (the server's rule).
import { errorText, getJson } from "../api";
import { field, h, show } from "../dom";
import { t } from "../i18n";

interface Item {
  workflow_id: string;
  status: string;
  workflow_chain: string[];
  error: string | null;
  created_at: string;
}

const STATUSES = ["pending", "running", "completed", "failed", "cancelled"];

export function renderWorkflows(main: HTMLElement): void {
  const filter = h(
    "select",
    { name: "status" },
    h("option", { value: "" }, t("all")),
    STATUSES.map((s) => h("option", { value: s }, s)),
  );
  const rows = h("tbody", {});
  const status = h("p", { role: "status", "aria-live": "polite" });
  const more = h("button", { type: "button", hidden: true }, t("more"));
  let cursor: string | null = null;

  const row = (w: Item) =>
    h(
      "tr",
      { class: w.status },
      h("td", {}, h("a", { href: `#/workflow/${w.workflow_id}` }, w.workflow_id)),
      h("td", {}, w.status),
      h("td", {}, w.created_at),
      h("td", {}, (w.workflow_chain ?? []).join(" → "), w.error ? h("div", { class: "error" }, w.error) : null),
    );

  const load = async (fresh: boolean) => {
    if (fresh) {
      cursor = null;
      show(rows);
    }
    const query = new URLSearchParams({ limit: "20" });
    if (filter.value) query.set("status", filter.value);
    if (cursor) query.set("cursor", cursor);
    try {
      const page = await getJson<{ workflows: Item[]; next_cursor: string | null }>(`/v1/workflows?${query}`);
      rows.append(...page.workflows.map(row));
      cursor = page.next_cursor;
      more.hidden = !cursor;
      status.textContent = rows.children.length ? "" : t("none");
    } catch (e) {
      status.textContent = errorText(e);
    }
  };
  filter.addEventListener("change", () => load(true));
  more.addEventListener("click", () => load(false));

  show(
    main,
    h("h1", {}, t("workflows_title")),
    h(
      "div",
      { class: "toolbar" },
      field(t("filter_status"), filter),
      h("button", { type: "button", onclick: () => load(true) }, t("refresh")),
    ),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h("tr", {}, ["ID", t("status"), t("created"), t("chain")].map((c) => h("th", { scope: "col" }, c))),
      ),
      rows,
    ),
    more,
    status,
  );
  load(true);
}
