import { type Block, safeHref } from '../../shared/blocks.js'

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]!)
}

function renderBlock(block: Block, mediaUrl: (id: string) => string): string {
  switch (block.type) {
    case 'paragraph': {
      if (block.text !== undefined) return `<p>${escapeHtml(block.text)}</p>`
      const spans = (block.spans ?? []).map((s) => {
        let html = escapeHtml(s.text)
        if (s.bold) html = `<strong>${html}</strong>`
        if (s.italic) html = `<em>${html}</em>`
        const href = s.href === undefined ? null : safeHref(s.href)
        if (href) html = `<a href="${escapeHtml(href)}">${html}</a>`
        return html
      })
      return `<p>${spans.join('')}</p>`
    }
    case 'heading':
      return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`
    case 'image': {
      const alt = escapeHtml(block.caption ?? '')
      const caption = [block.caption, block.credit && `Ảnh: ${block.credit}`].filter(Boolean).map((t) => escapeHtml(t!))
      const figcaption = caption.length ? `<figcaption>${caption.join(' ')}</figcaption>` : ''
      return `<figure><img src="${escapeHtml(mediaUrl(block.mediaId))}" alt="${alt}" loading="lazy">${figcaption}</figure>`
    }
    case 'quote': {
      const cite = block.cite ? `<footer><cite>${escapeHtml(block.cite)}</cite></footer>` : ''
      return `<blockquote><p>${escapeHtml(block.text)}</p>${cite}</blockquote>`
    }
    case 'list': {
      const tag = block.style === 'ordered' ? 'ol' : 'ul'
      return `<${tag}>${block.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</${tag}>`
    }
    case 'embed': {
      const href = escapeHtml(block.url)
      return `<figure class="embed"><a href="${href}" rel="noopener noreferrer">${href}</a></figure>`
    }
  }
}

/** The body as HTML in which every piece of text is escaped and every link is checked. */
export function renderBody(body: Block[], mediaUrl = (id: string) => `/v1/media/${id}/file`): string {
  return body.map((b) => renderBlock(b, mediaUrl)).join('\n')
}
