/**
 * Folds Vietnamese (and any Latin) text to lowercase ASCII: diacritics removed, đ/Đ → d.
 * "Ban Dân vận Huyện ủy" → "ban dan van huyen uy".
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
}

export const SLUG_MAX = 120

/** A URL slug from a name or title: "Tin tức, sự kiện" → "tin-tuc-su-kien". */
export function slugify(text: string): string {
  const slug = fold(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (slug.length <= SLUG_MAX) return slug
  const cut = slug.slice(0, SLUG_MAX)
  const dash = cut.lastIndexOf('-')
  return dash > SLUG_MAX / 2 ? cut.slice(0, dash) : cut
}
