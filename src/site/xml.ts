/** Characters XML 1.0 does not allow at all: C0 controls but tab and newlines, lone surrogates, U+FFFE and U+FFFF. */
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/** Text for XML content or a quoted attribute: escaped, stripped of what XML cannot hold; Vietnamese stays as it is. */
export const escapeXml = (text: string) => text.replace(INVALID, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!)

/** An element with text, or nothing when there is no text. */
export const element = (name: string, text: string | null | undefined, attributes = '') =>
  text === null || text === undefined ? '' : `<${name}${attributes}>${escapeXml(text)}</${name}>`

/** RFC 822 (as RFC 1123 writes it), for RSS. */
export const rfc822 = (date: Date) => date.toUTCString()

/** RFC 3339 in UTC: Atom, and sitemaps' W3C datetime. */
export const rfc3339 = (date: Date) => date.toISOString()

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
