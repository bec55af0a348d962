import t from 'tap'
import { fold, slugify } from '../../src/shared/text.js'

t.test('slugify folds Vietnamese to lowercase ASCII words joined by dashes', async (t) => {
  const cases: [string, string][] = [
    ['Ban Dân vận Huyện ủy triển khai', 'ban-dan-van-huyen-uy-trien-khai'],
    ['Tin tức, sự kiện', 'tin-tuc-su-kien'],
    ['Đại hội Đảng bộ', 'dai-hoi-dang-bo'],
    ['ĐỒNG CHÍ PHẠM THỊ THỦY', 'dong-chi-pham-thi-thuy'],
    ['Phương hướng, nhiệm vụ năm 2024', 'phuong-huong-nhiem-vu-nam-2024'],
    ['  --Hội nghị--  ', 'hoi-nghi'],
    ['“Dân vận khéo”', 'dan-van-kheo'],
    ['Nhiệm kỳ 2025 - 2030', 'nhiem-ky-2025-2030'],
    ['!!!', ''],
    ['Crème brûlée', 'creme-brulee'],
  ]
  for (const [text, slug] of cases) t.equal(slugify(text), slug, text)
})

t.test('slugify handles decomposed input and cuts long titles at a word', async (t) => {
  t.equal(slugify('Dân vận'.normalize('NFD')), 'dan-van')
  const long = slugify('Hội nghị tổng kết công tác dân vận '.repeat(10))
  t.ok(long.length <= 120)
  t.notMatch(long, /-$/)
  t.equal(slugify('a'.repeat(200)).length, 120, 'one long word is cut hard')
})

t.test('fold keeps spaces and folds đ', async (t) => {
  t.equal(fold('Lê Thị Hồng Hà'), 'le thi hong ha')
  t.equal(fold('Đặng Văn Đức'), 'dang van duc')
})
