import { notFound } from '../../core/errors.js';
import * as repo from '../../store/briefings.js';
import type { StoredBriefing } from '../../store/briefings.js';
import type { Queryable } from '../../store/db.js';
import type { BriefingConfig } from './config.js';
import { renderBriefingPdf } from './pdf.js';
import { briefingWorkbook } from './xlsx.js';
import { XLSX_TYPE } from '../../core/xlsx.js';

// A stored briefing as the files people get: the console's download and the
// e-mail attachment are the same bytes.

export async function loadBriefing(q: Queryable, day: string): Promise<StoredBriefing> {
  const b = await repo.getBriefing(q, day);
  if (!b) throw notFound('briefing_not_found', `No briefing for ${day} yet; an officer can make one (POST /api/briefings/${day}/generate)`, { date: day });
  return b;
}

export interface BriefingFile {
  /** ASCII name for old clients. */
  filename: string;
  /** The Korean name (RFC 5987 filename*). */
  filenameKo: string;
  contentType: string;
  data: Buffer;
}

export async function briefingPdf(b: StoredBriefing, cfg: Pick<BriefingConfig, 'fontPath' | 'fontName'>): Promise<BriefingFile> {
  const data = await renderBriefingPdf(b.content, b, cfg);
  return {
    filename: `radar-briefing-${b.day}-v${b.version}.pdf`,
    filenameKo: `일일브리핑-${b.day}-v${b.version}.pdf`,
    contentType: 'application/pdf',
    data,
  };
}

export async function briefingXlsx(b: StoredBriefing): Promise<BriefingFile> {
  return {
    filename: `radar-briefing-${b.day}-v${b.version}.xlsx`,
    filenameKo: `일일브리핑-${b.day}-v${b.version}.xlsx`,
    contentType: XLSX_TYPE,
    data: await briefingWorkbook(b.content, b),
  };
}
