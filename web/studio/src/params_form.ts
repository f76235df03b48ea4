// A node's parameter form, generated from its schema in /openapi.json (components.schemas["NodeParams.<node>"]),
// so every parameter the server knows is offered with its type, bounds, choices and default, and nothing the
// server would refuse is invented here. Fields left empty are not sent: the node's default applies.
import { field, h } from "./dom";

export interface Schema {
  type?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  anyOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
}

// A workflow's parameter schema is nullable(anyOf[the parameter's own schema, a stage reference]).
function own(schema: Schema): Schema {
  return schema.anyOf?.[0] ?? schema;
}

function control(name: string, s: Schema): HTMLInputElement | HTMLSelectElement {
  const choices = s.type === "boolean" ? [true, false] : s.enum?.filter((v) => v !== null);
  if (choices) {
    const fallback = s.default === undefined ? "—" : `— (${JSON.stringify(s.default)})`;
    return h(
      "select",
      { name },
      h("option", { value: "" }, fallback),
      choices.map((v) => h("option", { value: JSON.stringify(v) }, String(v))),
    );
  }
  const numeric = s.type === "integer" || s.type === "number";
  // 64-bit bounds of integers without a range of their own say nothing to a person.
  const bounded = (v: number | undefined) => (v !== undefined && Math.abs(v) < 2 ** 53 ? v : null);
  return h("input", {
    name,
    type: numeric ? "number" : "text",
    step: s.type === "number" ? "any" : numeric ? "1" : null,
    min: numeric ? bounded(s.minimum) : null,
    max: numeric ? bounded(s.maximum) : null,
    placeholder: s.default === undefined ? "" : JSON.stringify(s.default),
  });
}

// The parameters the user set, typed as the schema says (arrays and objects are typed as JSON).
export type Collect = () => Record<string, unknown>;

export function paramsForm(schema: Schema): { element: HTMLElement; collect: Collect } {
  const entries = Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    const s = own(prop);
    return { name, s, input: control(name, s), hint: prop.description ?? s.description };
  });
  const element = h(
    "div",
    { class: "params" },
    entries.map(({ name, input, hint }) => field(name, input, hint)),
  );
  const collect = () => {
    const out: Record<string, unknown> = {};
    for (const { name, s, input } of entries) {
      const raw = input.value.trim();
      if (raw === "") continue;
      if (input instanceof HTMLSelectElement || s.type === "array" || s.type === "object") {
        out[name] = JSON.parse(raw);
      } else if (s.type === "integer" || s.type === "number") {
        out[name] = Number(raw);
      } else {
        out[name] = raw;
      }
    }
    return out;
  };
  return { element, collect };
}
