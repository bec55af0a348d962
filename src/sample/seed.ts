import type { Config } from '../config.js'
import type { Database, Db } from '../db/client.js'
import { createArticle } from '../resources/articles/articles.service.js'
import { createCategory } from '../resources/categories/categories.service.js'
import { createMenu } from '../resources/menus/menus.service.js'
import { createPage } from '../resources/pages/pages.service.js'
import { createDocument } from '../resources/documents/documents.service.js'
import { createPerson } from '../resources/people/people.service.js'
import { SYSTEM } from '../shared/principal.js'

const system = { ...SYSTEM, name: 'sample content' }

/**
 * Seeds a new database: an embedded one unless SEED=never, a server's only with SEED=always (an
 * instance among several that start together finds it new only once); true when it did.
 */
export async function seedIfNew(database: Database, config: Config): Promise<boolean> {
  if (!database.created || config.seed === 'never') return false
  if (database.kind !== 'pglite' && config.seed !== 'always') return false
  await seedSampleContent(database.db)
  return true
}

/**
 * A small sample modelled on a district portal's news and official documents, for a new embedded database, so that the
 * first `curl /v1/articles` shows something real. Written through the services, so it obeys the
 * same rules as content from the API.
 */
export async function seedSampleContent(db: Db): Promise<void> {
  const news = await createCategory(db, {
    name: 'Tin tức, sự kiện',
    description: 'Tin hoạt động của các cơ quan, đoàn thể trên địa bàn huyện',
    position: 1,
  }, system)
  const massMobilisation = await createCategory(db, { name: 'Công tác dân vận', parentId: news.id, position: 1 }, system)
  await createCategory(db, { name: 'Văn bản, chính sách', position: 2 }, system)
  await createCategory(db, { name: 'Chuyển đổi số', position: 3 }, system)

  const thuy = await createPerson(db, {
    name: 'Phạm Thị Thủy',
    honorific: 'đồng chí',
    title: 'Phó Trưởng Ban Dân vận Tỉnh ủy',
    organization: 'Tỉnh ủy Hà Nam',
  }, system)
  const ha = await createPerson(db, {
    name: 'Lê Thị Hồng Hà',
    honorific: 'đồng chí',
    title: 'Phó Bí thư Thường trực Huyện ủy',
    organization: 'Huyện ủy Lý Nhân',
  }, system)
  const ngoc = await createPerson(db, {
    name: 'Trần Minh Ngọc',
    honorific: 'đồng chí',
    title: 'Ủy viên Ban Thường vụ Huyện ủy, Trưởng Ban Dân vận Huyện ủy, Chủ tịch Ủy ban MTTQ huyện',
    organization: 'Huyện ủy Lý Nhân',
  }, system)
  const vuong = await createPerson(db, { name: 'Văn Vương', title: 'Phóng viên ảnh' }, system)

  await createArticle(
    db,
    {
      title: 'Ban Dân vận Huyện ủy triển khai phương hướng, nhiệm vụ năm 2024',
      summary:
        'Chiều 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổng kết công tác dân vận năm 2023 và bàn phương hướng, nhiệm vụ năm 2024.',
      status: 'published',
      publishedAt: new Date('2023-12-06T10:00:00.000Z'),
      categoryId: massMobilisation.id,
      tags: ['dân vận', 'hội nghị'],
      people: [
        { personId: thuy.id, role: 'mentioned' },
        { personId: ha.id, role: 'mentioned' },
        { personId: ngoc.id, role: 'mentioned' },
        { personId: vuong.id, role: 'photographer' },
      ],
      body: [
        {
          type: 'paragraph',
          text: 'Chiều ngày 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổ chức hội nghị nhìn lại công tác dân vận năm 2023 và thống nhất phương hướng cho năm 2024. Dự hội nghị có đồng chí Phạm Thị Thủy, Phó Trưởng Ban Dân vận Tỉnh ủy; đồng chí Lê Thị Hồng Hà, Phó Bí thư Thường trực Huyện ủy; đồng chí Trần Minh Ngọc, Trưởng Ban Dân vận Huyện ủy, cùng đại diện khối dân vận của 21 xã, thị trấn.',
        },
        { type: 'heading', level: 2, text: 'Một năm nhiều mô hình “Dân vận khéo”' },
        {
          type: 'paragraph',
          text: 'Trong năm, phong trào thi đua “Dân vận khéo” được triển khai rộng khắp với 84 mô hình, trong đó 59 mô hình mới và 25 mô hình được nhân rộng. Hai mô hình được công nhận cấp tỉnh, mười mô hình được công nhận cấp huyện. Công tác dân vận chính quyền tập trung vào cải cách thủ tục hành chính, tiếp dân và giải quyết đơn thư của công dân.',
        },
        {
          type: 'quote',
          text: 'Công tác dân vận phải bám sát cơ sở, nắm chắc tâm tư, nguyện vọng chính đáng của Nhân dân.',
          cite: 'Đồng chí Phạm Thị Thủy, Phó Trưởng Ban Dân vận Tỉnh ủy',
        },
        { type: 'heading', level: 2, text: 'Nhiệm vụ năm 2024' },
        {
          type: 'list',
          style: 'bullet',
          items: [
            'Đổi mới nội dung, phương thức vận động quần chúng; tăng cường đối thoại trực tiếp với Nhân dân.',
            'Nâng cao chất lượng công tác dân vận chính quyền và thực hiện quy chế dân chủ ở cơ sở.',
            'Xây dựng mô hình “Dân vận khéo” trên tất cả các lĩnh vực.',
          ],
        },
        {
          type: 'quote',
          text: 'Cần gắn công tác dân vận với việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, với công tác xây dựng, chỉnh đốn Đảng.',
          cite: 'Đồng chí Lê Thị Hồng Hà, Phó Bí thư Thường trực Huyện ủy',
        },
      ],
    },
    system,
  )

  const models = await createArticle(
    db,
    {
      title: 'Lý Nhân nhân rộng mô hình “Dân vận khéo” ở 21 xã, thị trấn',
      summary: 'Từ 25 mô hình được nhân rộng trong năm 2023, huyện Lý Nhân đặt mục tiêu mỗi xã, thị trấn có ít nhất một mô hình mới.',
      status: 'published',
      publishedAt: new Date('2023-12-12T02:30:00.000Z'),
      categoryId: massMobilisation.id,
      tags: ['dân vận', 'dân vận khéo'],
      people: [{ personId: ngoc.id, role: 'mentioned' }],
      body: [
        {
          type: 'paragraph',
          text: 'Sau hội nghị tổng kết năm 2023, Ban Dân vận Huyện ủy Lý Nhân hướng dẫn các xã, thị trấn lựa chọn những cách làm hiệu quả để nhân rộng, nhất là trong xây dựng nông thôn mới kiểu mẫu và đô thị văn minh.',
        },
        {
          type: 'paragraph',
          spans: [
            { text: 'Theo đồng chí Trần Minh Ngọc, ' },
            { text: 'mỗi mô hình phải xuất phát từ nhu cầu thực tế của người dân', bold: true },
            { text: ' và được đánh giá bằng kết quả cụ thể.' },
          ],
        },
      ],
    },
    system,
  )

  await seedPagesAndMenu(db, news.id)

  await createArticle(
    db,
    {
      title: 'Hội nghị đối thoại giữa lãnh đạo huyện với Nhân dân năm 2024',
      summary: 'Bản nháp: chương trình đối thoại dự kiến tổ chức trong quý I năm 2024.',
      status: 'draft',
      categoryId: news.id,
      tags: ['đối thoại'],
      people: [{ personId: ha.id, role: 'mentioned' }],
      body: [{ type: 'paragraph', text: 'Nội dung đang được Ban Dân vận Huyện ủy hoàn thiện.' }],
    },
    system,
  )

  await createDocument(db, {
    number: '45-KH/BDVHU',
    kind: 'ke-hoach',
    issuer: 'Ban Dân vận Huyện ủy Lý Nhân',
    signerId: ngoc.id,
    issuedAt: '2024-01-22',
    expiredAt: '2025-01-01',
    summary: 'Kế hoạch thực hiện công tác dân vận năm 2024 trên địa bàn huyện Lý Nhân',
    field: 'Dân vận',
  }, system)
  await createDocument(db, {
    number: '1234/QĐ-UBND',
    kind: 'quyet-dinh',
    issuer: 'UBND huyện Lý Nhân',
    issuedAt: '2023-12-20',
    effectiveAt: '2023-12-20',
    summary: 'Về việc công nhận mô hình “Dân vận khéo” cấp huyện năm 2023',
    field: 'Dân vận',
    articleIds: [models.id],
  }, system)
}

/** The "Giới thiệu" page with its "Lịch sử" page below it, and the header menu that links them. */
async function seedPagesAndMenu(db: Db, newsId: string): Promise<void> {
  const about = await createPage(db, {
    title: 'Giới thiệu',
    status: 'published',
    position: 1,
    body: [
      {
        type: 'paragraph',
        text: 'Huyện Lý Nhân nằm ở phía đông tỉnh Hà Nam, bên bờ hữu ngạn sông Hồng; bên kia sông là các tỉnh Hưng Yên và Thái Bình. Huyện có 21 xã, thị trấn; trung tâm hành chính đặt tại thị trấn Vĩnh Trụ.',
      },
      { type: 'heading', level: 2, text: 'Điều kiện tự nhiên' },
      {
        type: 'paragraph',
        text: 'Địa hình tương đối bằng phẳng, đất phù sa được bồi đắp hằng năm, thuận lợi cho trồng lúa, rau màu và cây ăn quả. Các làng ven sông Hồng và sông Châu giữ nhiều nghề truyền thống.',
      },
      {
        type: 'list',
        style: 'bullet',
        items: ['Nông nghiệp hàng hóa gắn với xây dựng nông thôn mới', 'Các cụm công nghiệp và làng nghề', 'Du lịch văn hóa, tâm linh ven sông Hồng'],
      },
    ],
  }, system)
  const history = await createPage(db, {
    title: 'Lịch sử',
    parentId: about.id,
    status: 'published',
    position: 1,
    body: [
      {
        type: 'paragraph',
        text: 'Lý Nhân là vùng đất có bề dày lịch sử, nằm bên bờ hữu ngạn sông Hồng, phía đông tỉnh Hà Nam.',
      },
      { type: 'heading', level: 2, text: 'Qua các thời kỳ' },
      {
        type: 'paragraph',
        text: 'Qua nhiều lần thay đổi địa giới và tên gọi, vùng đất ven sông vẫn giữ nếp làng, đình, chùa và những lễ hội truyền thống. Lý Nhân cũng là quê hương của nhà văn Nam Cao, người làng Đại Hoàng, xã Hòa Hậu.',
      },
      {
        type: 'quote',
        text: 'Giữ gìn và phát huy giá trị di sản văn hóa là trách nhiệm của mỗi người dân Lý Nhân.',
      },
    ],
  }, system)
  await createMenu(db, {
    name: 'Menu đầu trang',
    slug: 'header',
    items: [
      { label: 'Tin tức, sự kiện', link: { type: 'category', id: newsId }, children: [] },
      {
        label: 'Giới thiệu',
        link: { type: 'page', id: about.id },
        children: [{ label: 'Lịch sử', link: { type: 'page', id: history.id }, children: [] }],
      },
      { label: 'Cổng thông tin tỉnh Hà Nam', link: { type: 'url', url: 'https://hanam.gov.vn' }, children: [] },
    ],
  }, system)
}
