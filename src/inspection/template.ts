import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { badRequest } from '../core/errors.js';
import { redact } from '../privacy/redact.js';
import { AREAS, type Area } from './model.js';

// Checklist templates as they arrive (API body or the bundled file), checked
// into the shape the store writes. A template's items keep stable ids so the
// same question can be followed across versions.

export interface TemplateItemInput {
  id: string;
  area: string;
  ko: string;
  en?: string;
  guidance?: string;
  evidenceRequired?: boolean;
  ccm?: boolean;
}

export interface TemplateInput {
  id?: string;
  name: string;
  nameEn?: string;
  description?: string;
  note?: string;
  items: TemplateItemInput[];
}

export interface TemplateItemDef {
  itemId: string;
  position: number;
  area: Area;
  textKo: string;
  textEn: string;
  guidance: string;
  evidenceRequired: boolean;
  ccm: boolean;
}

export interface TemplateDef {
  id: string;
  name: string;
  nameEn: string;
  description: string;
  note: string;
  items: TemplateItemDef[];
}

export const TEMPLATE_ID = /^[a-z0-9][a-z0-9-]{1,63}$/;
export const ITEM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
export const MAX_ITEMS = 200;

// Free text like any other: personal data never reaches the tables.
const text = (s: string | undefined) => redact((s ?? '').trim()).text;

/** Checks a template; throws a 400 naming the first problem. */
export function normaliseTemplate(input: TemplateInput, id: string): TemplateDef {
  if (!TEMPLATE_ID.test(id)) throw badRequest('invalid_template_id', `'${id}' is not a template id (lower-case letters, digits and dashes)`);
  if (!input.name?.trim()) throw badRequest('name_required', 'A template needs a name');
  if (!Array.isArray(input.items) || input.items.length === 0) throw badRequest('items_required', 'A template needs at least one item');
  if (input.items.length > MAX_ITEMS) throw badRequest('too_many_items', `A template has at most ${MAX_ITEMS} items`);
  const seen = new Set<string>();
  const items = input.items.map((it, i): TemplateItemDef => {
    if (!ITEM_ID.test(it.id ?? '')) throw badRequest('invalid_item_id', `Item ${i + 1}: '${it.id}' is not an item id`, { index: i });
    if (seen.has(it.id)) throw badRequest('duplicate_item_id', `Item id '${it.id}' appears twice`, { itemId: it.id });
    seen.add(it.id);
    if (!(AREAS as readonly string[]).includes(it.area)) {
      throw badRequest('invalid_area', `Item '${it.id}': area '${it.area}' is not one of ${AREAS.join(', ')}`, { itemId: it.id, allowed: [...AREAS] });
    }
    if (!it.ko?.trim()) throw badRequest('item_text_required', `Item '${it.id}' needs its Korean text`, { itemId: it.id });
    return {
      itemId: it.id, position: i + 1, area: it.area as Area, textKo: text(it.ko), textEn: text(it.en), guidance: text(it.guidance),
      evidenceRequired: it.evidenceRequired === true, ccm: it.ccm === true,
    };
  });
  return { id, name: text(input.name), nameEn: text(input.nameEn), description: text(input.description), note: text(input.note), items };
}

const DEFAULT_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'default-template.json');

/** The bundled card-company checklist (installed on first start). */
export function loadDefaultTemplate(file = DEFAULT_FILE): TemplateDef {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as TemplateInput & { id: string };
  return normaliseTemplate(raw, raw.id);
}
