import type { FastifyReply } from 'fastify';
import { XLSX_TYPE } from '../core/xlsx.js';

// Every file the API hands out (exports, workbooks, PDFs, uploaded evidence and
// attachments) goes through here: always an attachment, never rendered in the
// console's origin (an uploaded HTML file must not run there), never cached.

/** yyyymmdd-hhmm in the given zone (Korea by default), for file names. */
export function fileStamp(timeZone = 'Asia/Seoul', now = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(now).replace(/[-:]/g, '').replace(' ', '-');
}

/** Sends bytes as a download named `name` (UTF-8) with an ASCII fallback for old clients. */
export function sendDownload(reply: FastifyReply, o: { contentType: string; name: string; asciiName?: string; body: Buffer | string }) {
  const ascii = (o.asciiName ?? o.name).replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  reply.header('content-type', o.contentType);
  reply.header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(o.name)}`);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('content-security-policy', "default-src 'none'; sandbox");
  reply.header('cache-control', 'private, no-store');
  return reply.send(o.body);
}

/** An Excel workbook named `<koName>-<stamp>.xlsx` (ASCII fallback `<asciiBase>-<stamp>.xlsx`). */
export function sendWorkbook(reply: FastifyReply, asciiBase: string, koName: string, body: Buffer, timeZone?: string) {
  const stamp = fileStamp(timeZone);
  return sendDownload(reply, { contentType: XLSX_TYPE, name: `${koName}-${stamp}.xlsx`, asciiName: `${asciiBase}-${stamp}.xlsx`, body });
}
