// Login: checks a key against a route every scope may read, and keeps it in session storage (gone when the
// tab closes). With keys off the page says so; the studio works without any key then.
import { apiKey, errorText, getJson, keysRequired, setApiKey } from "../api";
import { field, h, show } from "../dom";
import { t } from "../i18n";

export function renderLogin(main: HTMLElement): void {
  const input = h("input", { type: "password", name: "key", autocomplete: "off", required: true, spellcheck: "false" });
  const status = h("p", { role: "status" });
  const form = h(
    "form",
    {
      onsubmit: async (e: Event) => {
        e.preventDefault();
        setApiKey(input.value.trim());
        try {
          await getJson("/v1/workflows?limit=1");
          status.textContent = t("login_ok");
          location.hash = "#/new";
        } catch (err) {
          setApiKey(null);
          status.textContent = errorText(err);
        }
      },
    },
    field(t("login_key"), input),
    h("button", { type: "submit" }, t("login_submit")),
  );
  const intro = h("p", {}, t("login_intro"));
  show(main, h("h1", {}, t("login_title")), intro, form, status);
  if (apiKey()) {
    main.append(
      h("p", {}, t("login_as")),
      h(
        "button",
        {
          type: "button",
          onclick: () => {
            setApiKey(null);
            renderLogin(main);
          },
        },
        t("login_out"),
      ),
    );
  }
  if (!apiKey()) {
    keysRequired().then((required) => {
      if (!required) intro.textContent = t("login_keys_off");
    });
  }
}
