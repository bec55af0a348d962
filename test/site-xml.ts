import { XMLParser, XMLValidator } from 'fast-xml-parser'

/** Elements that may repeat: always arrays, even when one is there. */
const REPEATED = new Set(['item', 'entry', 'url', 'sitemap', 'category'])

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  // Atom's links repeat; RSS has one link.
  isArray: (name, path) => REPEATED.has(name) || (name === 'link' && String(path).startsWith('feed')),
})

/** A feed or sitemap, checked to be well-formed XML and then parsed; attributes are `@name`. */
export function parseXml(text: string): Record<string, any> {
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`)
  return parser.parse(text)
}

/** RFC 822 as RSS writes it (RFC 1123's form). */
export const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/
/** RFC 3339, the W3C datetime of sitemaps too. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** An element's text, whether the parser made it a string or an object with attributes. */
export const text = (node: unknown): string => (typeof node === 'object' && node !== null ? String((node as Record<string, unknown>)['#text'] ?? '') : String(node))
