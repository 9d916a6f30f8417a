import { inflateSync } from 'node:zlib';

// Just enough PDF reading to check what a generated file holds without a PDF
// library: the streams, which fonts are embedded, and the characters the
// embedded fonts' ToUnicode maps cover (the text a reader can extract).

export function pdfStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    try {
      out.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      out.push(text.slice(start, end)); // not deflated (or not a content stream)
    }
    re.lastIndex = end + 'endstream'.length; // past it, or 'endstream' would match as a start
  }
  return out;
}

/** Every character some embedded font's ToUnicode CMap maps a glyph to. */
export function pdfUnicodeChars(pdf: Buffer): Set<string> {
  const chars = new Set<string>();
  for (const s of pdfStreams(pdf)) {
    if (!s.includes('begincmap')) continue;
    // Destination values: <hex> tokens after the source range (UTF-16BE, maybe several units).
    for (const section of s.split(/beginbf(?:range|char)/).slice(1)) {
      const body = section.split(/endbf(?:range|char)/)[0]!;
      for (const tok of body.matchAll(/<([0-9a-fA-F ]+)>/g)) {
        const hex = tok[1]!.replace(/\s+/g, '');
        if (hex.length % 4 !== 0) continue;
        const units: number[] = [];
        for (let i = 0; i < hex.length; i += 4) units.push(parseInt(hex.slice(i, i + 4), 16));
        chars.add(String.fromCharCode(...units));
      }
    }
  }
  return chars;
}

export function pdfInfo(pdf: Buffer) {
  const text = pdf.toString('latin1');
  return {
    header: text.slice(0, 5),
    endsWithEof: /%%EOF\s*$/.test(text),
    pages: (text.match(/\/Type\s*\/Page[^s]/g) ?? []).length,
    fontNames: [...text.matchAll(/\/FontName\s*\/([^\s/]+)/g)].map((m) => m[1]!),
    embeddedFontFiles: (text.match(/\/FontFile[23]?\s/g) ?? []).length,
  };
}
