/**
 * Examples for the OpenAPI document, taken from the sample content (src/sample/seed.ts): one
 * district portal's news, whose ids refer to each other as real answers do. test/openapi.test.ts
 * checks each against the schema it illustrates.
 */

const ids = {
  news: '0193a1f2-6b10-7c3e-8a41-2f5d9c0e7b11',
  massMobilisation: '0193a1f2-6b12-7d05-9b7e-41c8e2a0f322',
  thuy: '0193a1f2-6b20-7a6f-a3d2-7e91b5c4d833',
  vuong: '0193a1f2-6b26-7f14-8c57-0d2ae6b3f944',
  photo: '0193a1f2-6c01-72b8-b1e9-93f4a7d2c055',
  article: '0193a1f2-6d00-7e4a-9f06-c25b8e1d3a66',
  about: '0193a1f2-6e00-7b21-8d4c-5a7f3e9b1c77',
  history: '0193a1f2-6e02-7c88-9a13-b64d2f0e8a88',
  header: '0193a1f2-6f00-7d3a-a5e2-18c9b7f4d699',
  decision: '0193a1f2-6e00-7a21-8d4c-1f6b3e9a2c88',
  plan: '0193a1f2-6e02-7c65-b0f8-3a9d5e2b7c99',
}

const at = '2023-12-06T07:00:00.000Z'

const noSeo = { title: null, description: null, imageId: null, canonicalUrl: null, noindex: false }
const shareImage = { url: `/v1/media/${ids.photo}/file?w=1200&format=jpeg`, width: 1200, height: 800 }

export const categoryExample = {
  id: ids.massMobilisation,
  slug: 'cong-tac-dan-van',
  name: 'Công tác dân vận',
  description: 'Tin hoạt động của khối dân vận các xã, thị trấn trên địa bàn huyện',
  parentId: ids.news,
  position: 1,
  seo: noSeo,
  createdAt: at,
  updatedAt: at,
  share: { title: 'Công tác dân vận', description: 'Tin hoạt động của khối dân vận các xã, thị trấn trên địa bàn huyện', image: null, url: null },
}

export const personExample = {
  id: ids.thuy,
  slug: 'pham-thi-thuy',
  name: 'Phạm Thị Thủy',
  honorific: 'đồng chí',
  title: 'Phó Trưởng Ban Dân vận Tỉnh ủy',
  organization: 'Tỉnh ủy Hà Nam',
  bio: null,
  photoId: null,
  createdAt: at,
  updatedAt: at,
}

const file = `/v1/media/${ids.photo}/file`

export const mediaExample = {
  id: ids.photo,
  kind: 'image',
  filename: 'hoi-nghi-dan-van-2023.jpg',
  mimeType: 'image/jpeg',
  size: 482133,
  width: 1600,
  height: 1067,
  sha256: '9b1f0c6e2d4a8b3c5e7f9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f',
  alt: 'Đồng chí Phạm Thị Thủy phát biểu tại hội nghị',
  caption: 'Đồng chí Phạm Thị Thủy, Phó Trưởng Ban Dân vận Tỉnh ủy, phát biểu tại hội nghị',
  credit: 'Văn Vương',
  creditPersonId: ids.vuong,
  url: file,
  variants: [320, 640, 960, 1280].map((width) => ({ width, format: 'webp', url: `${file}?w=${width}&format=webp` })),
  placeholder: 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG',
  createdAt: at,
  updatedAt: at,
}

const body = [
  {
    type: 'paragraph',
    text: 'Chiều ngày 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổ chức hội nghị nhìn lại công tác dân vận năm 2023 và thống nhất phương hướng cho năm 2024.',
  },
  { type: 'heading', level: 2, text: 'Một năm nhiều mô hình “Dân vận khéo”' },
  { type: 'image', mediaId: ids.photo, caption: 'Đồng chí Phạm Thị Thủy phát biểu tại hội nghị', credit: 'Văn Vương' },
  {
    type: 'quote',
    text: 'Công tác dân vận phải bám sát cơ sở, nắm chắc tâm tư, nguyện vọng chính đáng của Nhân dân.',
    cite: 'Đồng chí Phạm Thị Thủy, Phó Trưởng Ban Dân vận Tỉnh ủy',
  },
]

const summary =
  'Chiều 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổng kết công tác dân vận năm 2023 và bàn phương hướng, nhiệm vụ năm 2024.'

export const articleInputExample = {
  title: 'Ban Dân vận Huyện ủy triển khai phương hướng, nhiệm vụ năm 2024',
  summary,
  body,
  status: 'published',
  publishedAt: '2023-12-06T10:00:00.000Z',
  categoryId: ids.massMobilisation,
  coverId: ids.photo,
  tags: ['dân vận', 'hội nghị'],
  people: [
    { personId: ids.thuy, role: 'mentioned' },
    { personId: ids.vuong, role: 'photographer' },
  ],
}

export const articleExample = {
  id: ids.article,
  slug: 'ban-dan-van-huyen-uy-trien-khai-phuong-huong-nhiem-vu-nam-2024',
  ...articleInputExample,
  seo: { ...noSeo, title: 'Ban Dân vận Huyện ủy Lý Nhân triển khai nhiệm vụ năm 2024' },
  version: 3,
  excerpt: summary,
  readingTimeMinutes: 1,
  createdAt: at,
  updatedAt: '2023-12-06T09:45:12.000Z',
  share: { title: 'Ban Dân vận Huyện ủy Lý Nhân triển khai nhiệm vụ năm 2024', description: summary, image: shareImage, url: null },
}

const historyBody = [
  {
    type: 'paragraph',
    text: 'Lý Nhân là vùng đất có bề dày lịch sử, nằm bên bờ hữu ngạn sông Hồng, phía đông tỉnh Hà Nam.',
  },
  { type: 'heading', level: 2, text: 'Qua các thời kỳ' },
]

export const pageInputExample = {
  title: 'Lịch sử',
  body: historyBody,
  parentId: ids.about,
  position: 1,
  status: 'published',
}

export const pageExample = {
  id: ids.history,
  slug: 'lich-su',
  ...pageInputExample,
  excerpt: 'Lý Nhân là vùng đất có bề dày lịch sử, nằm bên bờ hữu ngạn sông Hồng, phía đông tỉnh Hà Nam.',
  path: '/pages/gioi-thieu/lich-su',
  seo: noSeo,
  version: 2,
  createdAt: at,
  updatedAt: at,
  share: { title: 'Lịch sử', description: 'Lý Nhân là vùng đất có bề dày lịch sử, nằm bên bờ hữu ngạn sông Hồng, phía đông tỉnh Hà Nam.', image: null, url: null },
}

export const menuInputExample = {
  name: 'Menu đầu trang',
  slug: 'header',
  items: [
    { label: 'Tin tức, sự kiện', link: { type: 'category', id: ids.news }, children: [] },
    {
      label: 'Giới thiệu',
      link: { type: 'page', id: ids.about },
      children: [{ label: 'Lịch sử', link: { type: 'page', id: ids.history }, children: [] }],
    },
    { label: 'Cổng thông tin tỉnh Hà Nam', link: { type: 'url', url: 'https://hanam.gov.vn' }, children: [] },
  ],
}

export const menuExample = {
  id: ids.header,
  ...menuInputExample,
  version: 1,
  createdAt: at,
  updatedAt: at,
}

export const resolvedMenuExample = {
  ...menuExample,
  items: [
    { label: 'Tin tức, sự kiện', link: { type: 'category', id: ids.news, slug: 'tin-tuc-su-kien', path: '/categories/tin-tuc-su-kien' }, children: [] },
    {
      label: 'Giới thiệu',
      link: { type: 'page', id: ids.about, slug: 'gioi-thieu', path: '/pages/gioi-thieu' },
      children: [{ label: 'Lịch sử', link: { type: 'page', id: ids.history, slug: 'lich-su', path: '/pages/gioi-thieu/lich-su' }, children: [] }],
    },
    { label: 'Cổng thông tin tỉnh Hà Nam', link: { type: 'url', url: 'https://hanam.gov.vn', path: 'https://hanam.gov.vn' }, children: [] },
  ],
}

export const documentKindExample = { slug: 'quyet-dinh', name: 'Quyết định', position: 1 }

export const documentInputExample = {
  number: '1234/QĐ-UBND',
  kind: 'quyet-dinh',
  issuer: 'UBND huyện Lý Nhân',
  signerId: null,
  issuedAt: '2023-12-20',
  effectiveAt: '2023-12-20',
  expiredAt: null,
  summary: 'Về việc công nhận mô hình “Dân vận khéo” cấp huyện năm 2023',
  field: 'Dân vận',
  fileIds: [],
  articleIds: [ids.article],
}

export const documentExample = {
  id: ids.decision,
  slug: 'quyet-dinh-1234-qd-ubnd',
  ...documentInputExample,
  inForce: true,
  version: 1,
  createdAt: '2023-12-20T08:30:00.000Z',
  updatedAt: '2023-12-20T08:30:00.000Z',
}

export const problemExample = {
  type: 'urn:bantin:problem:invalid-request',
  title: 'Invalid request',
  status: 400,
  detail: 'body/title: Too small: expected string to have >=1 characters',
  errors: [{ path: 'title', message: 'Too small: expected string to have >=1 characters' }],
}
