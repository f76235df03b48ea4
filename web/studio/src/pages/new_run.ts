// A new run: the input (a dropped or chosen file, uploaded with progress, or a key or URL already known to the
// server), the language, and what to run: a preset from GET /v1/presets or a chain composed node by node, each
// with its parameter form from /openapi.json. Submitting opens the workflow's page.
import { errorText, getJson, postJson, upload } from "../api";
import { RESUMABLE_FROM, resumableUpload } from "../resumable";
import { field, h, show } from "../dom";
import { t } from "../i18n";
import { paramsForm, type Collect, type Schema } from "../params_form";

interface Preset {
  name: string;
  description: string;
  chain: string[];
}

interface OpenApi {
  components: { schemas: Record<string, Schema> };
}

export function renderNewRun(main: HTMLElement): void {
  const status = h("p", { role: "status", "aria-live": "polite" });
  const fileInput = h("input", { type: "file", name: "file", accept: "video/*,audio/*" });
  const bar = h("progress", { max: 1, value: 0, "aria-label": t("upload_progress") });
  const pathInput = h("input", { type: "text", name: "video_path", spellcheck: "false" });
  const uploadButton = h("button", { type: "button", disabled: true }, t("upload_start"));

  const startUpload = async (file: File) => {
    uploadButton.disabled = true;
    bar.value = 0;
    // A folder of the studio's own, and a time stamp, so a second upload of the same name is a new object.
    const key = `studio/${Date.now()}-${file.name.replace(/[^\w.-]+/g, "_")}`;
    try {
      const send = file.size >= RESUMABLE_FROM ? resumableUpload : upload;
      const { file_path } = await send(file, key, (sent, total) => (bar.value = total ? sent / total : 0));
      pathInput.value = file_path;
      status.textContent = `${t("upload_done")} ${file_path}`;
    } catch (e) {
      status.textContent = errorText(e);
    } finally {
      uploadButton.disabled = false;
    }
  };
  fileInput.addEventListener("change", () => {
    uploadButton.disabled = !fileInput.files?.length;
    if (fileInput.files?.[0]) startUpload(fileInput.files[0]);
  });
  uploadButton.addEventListener("click", () => fileInput.files?.[0] && startUpload(fileInput.files[0]));

  const drop = h(
    "div",
    { class: "drop" },
    h("p", {}, t("upload_drop")),
    field(t("upload_choose"), fileInput),
    uploadButton,
    bar,
    h("small", {}, t("upload_note")),
  );
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const file = e.dataTransfer?.files[0];
    if (file) startUpload(file);
  });

  const languageSelect = h(
    "select",
    { name: "language" },
    h("option", { value: "auto" }, t("language_auto")),
    h("option", { value: "en" }, "English"),
    h("option", { value: "zh" }, "中文"),
  );

  const presetSelect = h("select", { name: "preset" });
  const presetHint = h("small", {});
  const presetRadio = h("input", { type: "radio", name: "mode", value: "preset", checked: true });
  const composeRadio = h("input", { type: "radio", name: "mode", value: "compose" });
  const composer = h("div", { class: "composer" });
  const submitButton = h("button", { type: "submit" }, t("submit"));

  let presets: Preset[] = [];
  let chain: { node: string; element: HTMLElement; collect: Collect }[] = [];
  let schemas: Record<string, Schema> = {};

  // A preset's nodes take parameters too (the translate preset needs a target language): a form for each.
  const presetParams = h("div", { class: "preset-params" });
  let presetForms: { node: string; element: HTMLElement; collect: Collect }[] = [];
  const describePreset = () => {
    const p = presets.find((x) => x.name === presetSelect.value);
    presetHint.textContent = p ? `${p.description} — ${p.chain.join(" → ")}` : "";
    presetForms = (p?.chain ?? []).map((node) => ({ node, ...paramsForm(schemas[`NodeParams.${node}`] ?? {}) }));
    show(
      presetParams,
      presetForms.map((f) =>
        h("details", {}, h("summary", {}, `${t("parameters")} ${f.node}`), f.element),
      ),
    );
  };
  presetSelect.addEventListener("change", describePreset);

  const form = h(
    "form",
    { onsubmit: (e: Event) => submit(e) },
    h("fieldset", {}, h("legend", {}, t("upload_choose")), drop, field(t("input_path"), pathInput)),
    field(t("language"), languageSelect),
    h(
      "fieldset",
      {},
      h("legend", {}, t("how")),
      h("label", { class: "choice" }, presetRadio, t("preset")),
      field(t("preset"), presetSelect),
      presetHint,
      presetParams,
      h("label", { class: "choice" }, composeRadio, t("compose")),
      composer,
    ),
    submitButton,
    status,
  );

  const nodeSelect = h("select", { name: "node" });
  const chainList = h("ol", { class: "chain" });
  const drawChain = () => {
    show(
      chainList,
      chain.length === 0
        ? h("li", {}, t("chain_empty"))
        : chain.map((entry, i) =>
            h(
              "li",
              {},
              h("details", {}, h("summary", {}, entry.node), entry.element),
              h("button", { type: "button", onclick: () => move(i), disabled: i === 0 }, t("up")),
              h("button", { type: "button", onclick: () => removeAt(i) }, t("remove")),
            ),
          ),
    );
  };
  const move = (i: number) => {
    [chain[i - 1], chain[i]] = [chain[i], chain[i - 1]];
    drawChain();
  };
  const removeAt = (i: number) => {
    chain.splice(i, 1);
    drawChain();
  };
  const addNode = () => {
    composeRadio.checked = true;
    const node = nodeSelect.value;
    const { element, collect } = paramsForm(schemas[`NodeParams.${node}`] ?? {});
    chain.push({ node, element, collect });
    drawChain();
  };
  show(
    composer,
    field(t("node"), nodeSelect),
    h("button", { type: "button", onclick: addNode }, t("add_node")),
    chainList,
  );
  drawChain();

  async function submit(e: Event) {
    e.preventDefault();
    const videoPath = pathInput.value.trim();
    if (!videoPath) {
      status.textContent = t("need_input");
      pathInput.focus();
      return;
    }
    const body: Record<string, unknown> = { video_path: videoPath, language: languageSelect.value };
    const forms = presetRadio.checked ? presetForms : chain;
    body.workflow_config = presetRadio.checked
      ? { preset: presetSelect.value }
      : { workflow_chain: chain.map((c) => c.node) };
    // A node named twice takes one set of parameters: the later form's values win.
    for (const f of forms) {
      const given = f.collect();
      if (Object.keys(given).length) body[f.node] = { ...((body[f.node] as object) ?? {}), ...given };
    }
    submitButton.disabled = true;
    status.textContent = t("submitting");
    try {
      const run = await postJson<{ workflow_id: string }>("/v1/workflows", body);
      location.hash = `#/workflow/${run.workflow_id}`;
    } catch (err) {
      status.textContent = errorText(err);
    } finally {
      submitButton.disabled = false;
    }
  }

  show(main, h("h1", {}, t("new_title")), form);

  getJson<{ presets: Preset[] }>("/v1/presets")
    .then((r) => {
      presets = r.presets;
      show(presetSelect, ...presets.map((p) => h("option", { value: p.name }, p.name)));
      describePreset();
    })
    .catch((err) => (status.textContent = errorText(err)));
  getJson<OpenApi>("/openapi.json")
    .then((doc) => {
      schemas = doc.components.schemas;
      describePreset();
      const nodes = Object.keys(schemas)
        .filter((n) => n.startsWith("NodeParams."))
        .map((n) => n.slice("NodeParams.".length))
        .sort();
      show(nodeSelect, ...nodes.map((n) => h("option", { value: n }, n)));
    })
    .catch((err) => (status.textContent = errorText(err)));
}
