/**
 * A Vietnamese corpus for search tests, written for them: district news in the style of the
 * portal article in shared/seed, with the traps of real content. Near-duplicates (a repost, an
 * updated notice), confusable words (bão/báo/bảo/bao, đất/Đạt/đạt, Lý Nhân/Lý Nhơn, Hà Nam/Nam Hà,
 * Thủy/Thu), both tone placements (hoà/hòa, thuỷ/thủy, uỷ/ủy, hoá/hóa), decomposed (NFD) text,
 * a title in capitals, names with their positions, phrases only in captions, tags or summaries,
 * and articles no anonymous reader may find (draft, scheduled, archived, trashed).
 */

export interface CorpusPerson {
  name: string
  honorific?: string
  title?: string
  organization?: string
}

export const corpusPeople = {
  thuy: { name: 'Phạm Thị Thủy', honorific: 'đồng chí', title: 'Phó Trưởng Ban Dân vận Tỉnh ủy', organization: 'Tỉnh ủy Hà Nam' },
  ha: { name: 'Lê Thị Hồng Hà', honorific: 'đồng chí', title: 'Phó Bí thư Thường trực Huyện ủy', organization: 'Huyện ủy Lý Nhân' },
  ngoc: { name: 'Trần Minh Ngọc', honorific: 'đồng chí', title: 'Trưởng Ban Dân vận Huyện ủy', organization: 'Huyện ủy Lý Nhân' },
  dat: { name: 'Nguyễn Văn Đạt', honorific: 'đồng chí', title: 'Chủ tịch UBND xã Nhân Chính', organization: 'UBND xã Nhân Chính' },
  vuong: { name: 'Văn Vương', title: 'Phóng viên ảnh', organization: 'Trung tâm Văn hóa, Thể thao và Truyền thanh huyện' },
  thu: { name: 'Phạm Thị Thu', honorific: 'bà', title: 'Chủ tịch Hội Liên hiệp Phụ nữ xã Nhân Mỹ' },
  thuy2: { name: 'Nguyễn Thị Thủy', honorific: 'bà', title: 'Hiệu trưởng Trường Tiểu học Nhân Hậu' },
  hoa: { name: 'Đỗ Văn Hoà', honorific: 'ông', title: 'Trưởng thôn Đồng Lý' },
} satisfies Record<string, CorpusPerson>
export type PersonKey = keyof typeof corpusPeople

export type CorpusBlock =
  | string
  | { heading: string }
  | { quote: string; cite?: string }
  | { list: string[] }
  | { image: string; credit?: string }

export interface CorpusArticle {
  slug: string
  title: string
  summary?: string
  tags?: string[]
  body: CorpusBlock[]
  people?: [PersonKey, 'author' | 'photographer' | 'mentioned'][]
  /** Days after 2024-01-01: ties in relevance are broken by this, newest first. */
  day: number
  status?: 'draft' | 'published' | 'archived'
  /** Published, but its time has not come. */
  scheduled?: boolean
  /** Moved to the trash after it is written. */
  trashed?: boolean
  /** Stored decomposed (NFD), as some editors' tools send text. */
  nfd?: boolean
}

export const corpus: CorpusArticle[] = [
  // ---- dân vận: in titles, in bodies, as a phrase and scattered ----
  {
    slug: 'dan-van-tong-ket-2023',
    title: 'Ban Dân vận Huyện ủy Lý Nhân tổng kết công tác dân vận năm 2023',
    summary: 'Chiều ngày 06/12/2023, Ban Dân vận Huyện ủy Lý Nhân tổ chức Hội nghị tổng kết công tác dân vận năm 2023, triển khai phương hướng, nhiệm vụ năm 2024.',
    tags: ['dân vận', 'hội nghị'],
    body: [
      'Về dự hội nghị có đồng chí Phạm Thị Thủy, Phó Trưởng Ban Dân vận Tỉnh ủy; đồng chí Lê Thị Hồng Hà, Phó Bí thư Thường trực Huyện ủy; đồng chí Trần Minh Ngọc, Ủy viên Ban Thường vụ Huyện ủy, Trưởng ban Dân vận Huyện ủy.',
      'Phong trào thi đua “Dân vận khéo” gắn với thực hiện nhiệm vụ chính trị tiếp tục được triển khai sâu rộng với 84 mô hình, điển hình.',
      { image: 'Đồng chí Phạm Thị Thủy - Phó Trưởng ban Dân vận tỉnh ủy Hà Nam phát biểu chỉ đạo tại hội nghị', credit: 'Ảnh: Văn Vương' },
    ],
    people: [['thuy', 'mentioned'], ['ha', 'mentioned'], ['ngoc', 'mentioned'], ['vuong', 'photographer']],
    day: 340,
  },
  {
    slug: 'dan-van-trien-khai-2024',
    title: 'Ban Dân vận Huyện uỷ Lý Nhân triển khai nhiệm vụ năm 2024',
    summary: 'Hội nghị tổng kết công tác dân vận năm 2023 và triển khai phương hướng, nhiệm vụ năm 2024 của Ban Dân vận Huyện uỷ.',
    tags: ['dân vận'],
    body: [
      'Năm 2024, Ban Dân vận các cấp của huyện tiếp tục đổi mới nội dung, nâng cao chất lượng, hiệu quả hoạt động, tăng cường mối quan hệ mật thiết giữa Đảng với Nhân dân.',
      'Đồng chí Lê Thị Hồng Hà, Phó Bí thư Thường trực Huyện uỷ đề nghị các cấp tiếp tục tuyên truyền, giáo dục nâng cao nhận thức về công tác dân vận.',
    ],
    people: [['ha', 'mentioned']],
    day: 342,
  },
  {
    slug: 'dan-van-kheo-nhan-thinh',
    title: 'Mô hình “Dân vận khéo” xây dựng đường giao thông ở xã Nhân Thịnh',
    body: [
      'Từ mô hình dân vận khéo, nhân dân xã Nhân Thịnh đã hiến hơn 3.000 m² đất, góp hàng nghìn ngày công để mở rộng đường giao thông nông thôn.',
      'Cán bộ thôn đến từng nhà vận động, lắng nghe ý kiến, giải quyết vướng mắc ngay tại cơ sở.',
    ],
    tags: ['dân vận khéo', 'nông thôn mới'],
    day: 300,
  },
  {
    slug: 'giao-ban-khoi-van',
    title: 'Giao ban khối vận quý III năm 2024',
    body: [
      'Hội nghị đánh giá kết quả công tác dân vận chính quyền, công tác tiếp công dân và giải quyết đơn thư trong quý III.',
      'Các đơn vị thống nhất tăng cường đối thoại trực tiếp với nhân dân.',
    ],
    day: 280,
  },
  {
    slug: 'nhan-dan-van-ly-lam-duong',
    title: 'Nhân dân xã Văn Lý góp công làm đường liên thôn',
    body: [
      'Bà con nhân dân các thôn đã tự nguyện đóng góp kinh phí và ngày công. Con đường mới giúp việc đi lại, giao thương thuận lợi hơn.',
      'Thôn Văn Lý được công nhận khu dân cư văn hóa tiêu biểu.',
    ],
    day: 260,
  },
  {
    slug: 'mat-tran-van-dong-bao-hiem',
    title: 'Mặt trận xã vận động người dân tham gia bảo hiểm y tế',
    body: [
      'Ủy ban MTTQ xã Nhân Mỹ phối hợp với các đoàn thể vận động nhân dân tham gia bảo hiểm y tế, bảo hiểm xã hội tự nguyện.',
      'Tỷ lệ người dân có thẻ bảo hiểm y tế đạt 94%.',
    ],
    tags: ['an sinh xã hội'],
    day: 250,
  },

  // ---- bão / báo / bảo / bao ----
  {
    slug: 'ung-pho-bao-so-3',
    title: 'Huyện Lý Nhân chủ động ứng phó với cơn bão số 3',
    summary: 'Trước diễn biến phức tạp của bão số 3, huyện đã sơ tán hơn 500 hộ dân ở vùng bãi ven sông Hồng.',
    body: [
      'Ban Chỉ huy phòng chống thiên tai huyện yêu cầu các xã kiểm tra đê điều, chằng chống nhà cửa, thu hoạch lúa chạy bão.',
      'Lực lượng quân sự, công an túc trực 24/24 giờ tại các điểm xung yếu.',
    ],
    tags: ['phòng chống thiên tai'],
    day: 250 + 1,
  },
  {
    slug: 'khac-phuc-sau-bao-lu',
    title: 'Khắc phục hậu quả sau mưa lũ',
    body: [
      'Sau bão và lũ, nhiều diện tích lúa, hoa màu bị ngập úng. Huyện hỗ trợ giống cây trồng để bà con sớm tái sản xuất.',
      'Trận lũ quét đêm 12/9 làm sạt lở hơn 200 m đê bối.',
    ],
    day: 255,
  },
  {
    slug: 'ngay-bao-chi-cach-mang',
    title: 'Gặp mặt nhân kỷ niệm Ngày Báo chí Cách mạng Việt Nam 21/6',
    body: [
      'Ban Tuyên giáo Huyện ủy gặp mặt các phóng viên, cộng tác viên báo chí trên địa bàn.',
      'Đồng chí Lê Thị Hồng Hà ghi nhận những đóng góp của đội ngũ làm báo trong công tác tuyên truyền.',
    ],
    people: [['ha', 'mentioned']],
    day: 172,
  },
  {
    slug: 'bao-ve-moi-truong',
    title: 'Ra quân bảo vệ môi trường, làm sạch đồng ruộng',
    body: [
      'Hàng nghìn đoàn viên, hội viên tham gia thu gom rác thải, bao bì thuốc bảo vệ thực vật trên đồng ruộng.',
    ],
    tags: ['môi trường'],
    day: 150,
  },
  {
    slug: 'danh-sach-xa-dat-chuan',
    title: 'Danh sách các xã đạt chuẩn nông thôn mới nâng cao năm 2024',
    body: [
      'Danh sách bao gồm các xã Nhân Thịnh, Nhân Mỹ, Nhân Chính và Nhân Hậu.',
      'Các xã đã hoàn thành 19 tiêu chí, trong đó có tiêu chí về môi trường và an ninh trật tự.',
    ],
    tags: ['nông thôn mới'],
    day: 330,
  },
  {
    slug: 'bao-cao-kinh-te-xa-hoi',
    title: 'UBND huyện báo cáo tình hình kinh tế - xã hội 9 tháng',
    body: ['Tổng giá trị sản xuất ước tăng 8,5% so với cùng kỳ. Thu ngân sách đạt 76% dự toán.'],
    day: 275,
  },

  // ---- đất / Đạt / đạt ----
  {
    slug: 'giao-dat-cho-thue-dat',
    title: 'Kế hoạch giao đất, cho thuê đất năm 2024',
    body: ['UBND huyện công khai kế hoạch sử dụng đất, giao đất ở cho các hộ gia đình tại xã Nhân Hậu.'],
    tags: ['đất đai'],
    day: 60,
  },
  {
    slug: 'nguyen-van-dat-chu-tich-xa',
    title: 'Đồng chí Nguyễn Văn Đạt giữ chức Chủ tịch UBND xã Nhân Chính',
    body: [
      'Tại kỳ họp bất thường, Hội đồng nhân dân xã Nhân Chính đã bầu đồng chí Nguyễn Văn Đạt giữ chức Chủ tịch UBND xã nhiệm kỳ 2021 - 2026.',
    ],
    people: [['dat', 'mentioned']],
    day: 90,
  },
  {
    slug: 'nhan-thinh-dat-chuan',
    title: 'Xã Nhân Thịnh đạt chuẩn nông thôn mới kiểu mẫu',
    body: ['Xã Nhân Thịnh là xã đầu tiên của huyện đạt chuẩn nông thôn mới kiểu mẫu về lĩnh vực văn hóa.'],
    tags: ['nông thôn mới'],
    day: 320,
  },
  {
    slug: 'hoa-giai-tranh-chap-dat',
    title: 'Hòa giải thành vụ tranh chấp đất đai ở thôn Đồng Lý',
    body: [
      'Tổ hòa giải thôn Đồng Lý đã kiên trì gặp gỡ hai gia đình, giải thích quy định của pháp luật về đất đai.',
      'Ông Đỗ Văn Hoà, Trưởng thôn Đồng Lý cho biết thôn không còn vụ việc tồn đọng.',
    ],
    people: [['hoa', 'mentioned']],
    day: 120,
  },

  // ---- Lý Nhân / Lý Nhơn ----
  {
    slug: 'ly-nhon-du-lich-rung-ngap-man',
    title: 'Xã Lý Nhơn phát triển du lịch sinh thái rừng ngập mặn',
    body: ['Xã Lý Nhơn (huyện Cần Giờ) đón hơn 20 nghìn lượt khách đến tham quan rừng ngập mặn trong năm.'],
    day: 200,
  },
  {
    slug: 'ly-nhan-tham-ly-nhon',
    title: 'Đoàn công tác huyện Lý Nhân thăm, học tập kinh nghiệm tại xã Lý Nhơn',
    body: ['Đoàn trao đổi kinh nghiệm phát triển du lịch cộng đồng gắn với bảo vệ rừng.'],
    day: 210,
  },
  {
    slug: 'le-hoi-truyen-thong-ly-nhan',
    title: 'Khai mạc lễ hội truyền thống đền Trần Thương',
    body: ['Lễ hội là dịp để nhân dân huyện Lý Nhân tưởng nhớ công lao của các bậc tiền nhân.'],
    tags: ['văn hóa'],
    day: 40,
  },

  // ---- Hà Nam / Nam Hà ----
  {
    slug: 'ha-nam-thu-hut-dau-tu',
    title: 'Hà Nam thu hút đầu tư vào các khu công nghiệp',
    body: ['Tỉnh Hà Nam cải thiện môi trường đầu tư, rút ngắn thời gian giải quyết thủ tục hành chính.'],
    day: 30,
  },
  {
    slug: 'ky-niem-nam-ha',
    title: 'Ký ức những năm tháng tỉnh Nam Hà',
    body: ['Năm 1965, tỉnh Nam Hà được thành lập trên cơ sở hợp nhất hai tỉnh Nam Định và Hà Nam.'],
    day: 20,
  },

  // ---- tone placement: hoà/hòa, thuỷ/thủy, hoá/hóa, uỷ/ủy ----
  {
    slug: 'hoi-thao-hoa-binh',
    title: 'Hội thao quốc phòng tỉnh Hoà Bình năm 2024',
    body: ['Các vận động viên thi đấu với tinh thần khoẻ, đẹp, đoàn kết.'],
    day: 100,
  },
  {
    slug: 'doan-hoa-binh-tham-ha-nam',
    title: 'Đoàn công tác tỉnh Hòa Bình thăm mô hình sản xuất ở Hà Nam',
    body: ['Đoàn tham quan mô hình trồng rau an toàn và công trình thủy lợi Nhân Hòa.'],
    day: 110,
  },
  {
    slug: 'nao-vet-kenh-thuy-loi',
    title: 'Nạo vét kênh mương thuỷ lợi phục vụ vụ Chiêm Xuân',
    body: ['Các hợp tác xã nạo vét hơn 40 km kênh mương nội đồng, bảo đảm nước tưới cho vụ Chiêm Xuân.'],
    tags: ['thuỷ lợi'],
    day: 10,
  },
  {
    slug: 'thuy-loi-nhan-hoa-hoan-thanh',
    title: 'Công trình thủy lợi Nhân Hòa hoàn thành',
    body: ['Công trình trạm bơm Nhân Hòa bảo đảm tưới tiêu cho 300 ha lúa.'],
    day: 180,
  },
  {
    slug: 'doi-song-van-hoa-khu-dan-cu',
    title: 'Xây dựng đời sống văn hoá ở khu dân cư',
    body: ['Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hoá” được nhân dân hưởng ứng.'],
    day: 70,
  },

  // ---- nông thôn mới, chuyển đổi số (typo queries) ----
  {
    slug: 'ly-nhan-ve-dich-nong-thon-moi',
    title: 'Huyện Lý Nhân về đích nông thôn mới',
    summary: 'Thủ tướng Chính phủ công nhận huyện Lý Nhân đạt chuẩn nông thôn mới.',
    body: ['Toàn huyện có 100% số xã đạt chuẩn nông thôn mới, 8 xã đạt chuẩn nông thôn mới nâng cao.'],
    tags: ['nông thôn mới'],
    day: 335,
  },
  {
    slug: 'nha-van-hoa-thon-moi',
    title: 'Khánh thành nhà văn hóa thôn mới Đồng Phú',
    body: ['Thôn mới Đồng Phú được thành lập năm 2020. Nhà văn hóa do nông dân và con em xa quê đóng góp xây dựng.'],
    day: 80,
  },
  {
    slug: 'chuyen-doi-so-cap-xa',
    title: 'Đẩy mạnh chuyển đổi số cấp xã',
    body: ['100% thủ tục hành chính cấp xã được tiếp nhận trực tuyến; tổ công nghệ số cộng đồng hướng dẫn người dân cài đặt ứng dụng.'],
    tags: ['chuyển đổi số'],
    day: 290,
  },
  {
    slug: 'chuyen-doi-so-y-te',
    title: 'Bệnh viện đa khoa huyện ứng dụng hồ sơ bệnh án điện tử',
    summary: 'Chuyển đổi số trong khám chữa bệnh giúp giảm thời gian chờ của người bệnh.',
    body: ['Người bệnh đăng ký khám bằng căn cước công dân gắn chip.'],
    tags: ['y tế'],
    day: 295,
  },
  {
    slug: 'doi-moi-giao-duc',
    title: 'Đổi mới giáo dục phổ thông: số học sinh giỏi tăng',
    body: ['Sau ba năm, chất lượng dạy và học có chuyển biến rõ nét.'],
    people: [['thuy2', 'mentioned']],
    tags: ['giáo dục'],
    day: 230,
  },

  // ---- people, with their positions ----
  {
    slug: 'truong-ban-dan-van-tiep-dan',
    title: 'Lãnh đạo Huyện ủy tiếp công dân định kỳ',
    body: [
      'Đồng chí Trần Minh Ngọc, Ủy viên Ban Thường vụ, Trưởng ban Dân vận Huyện ủy đã tiếp và trả lời kiến nghị của 12 công dân.',
      { quote: 'Mọi kiến nghị chính đáng của nhân dân phải được giải quyết dứt điểm.', cite: 'Đồng chí Trần Minh Ngọc' },
    ],
    people: [['ngoc', 'mentioned']],
    day: 95,
  },
  {
    slug: 'tham-gia-dinh-chinh-sach',
    title: 'Thăm, tặng quà gia đình chính sách nhân Ngày Thương binh - Liệt sĩ',
    body: ['Đồng chí Lê Thị Hồng Hà, Phó Bí thư Thường trực Huyện ủy cùng đoàn công tác đã đến thăm 20 gia đình chính sách.'],
    people: [['ha', 'mentioned']],
    day: 207,
  },
  {
    slug: 'kinh-nghiem-van-dong-quan-chung',
    title: 'Kinh nghiệm vận động quần chúng ở cơ sở',
    body: ['Muốn vận động được quần chúng, cán bộ phải gần dân, hiểu dân, tin dân và trọng dân.'],
    people: [['thuy', 'author']],
    day: 130,
  },
  {
    slug: 'hoi-phu-nu-nhan-my',
    title: 'Hội Liên hiệp Phụ nữ xã Nhân Mỹ ra mắt mô hình tiết kiệm',
    body: ['Bà Phạm Thị Thu, Chủ tịch Hội Liên hiệp Phụ nữ xã cho biết mô hình đã giúp 30 hội viên vay vốn.'],
    people: [['thu', 'mentioned']],
    day: 140,
  },
  {
    slug: 'khai-giang-tieu-hoc-nhan-hau',
    title: 'Trường Tiểu học Nhân Hậu khai giảng năm học mới',
    body: ['Bà Nguyễn Thị Thủy, Hiệu trưởng nhà trường đánh trống khai giảng năm học 2024 - 2025.'],
    people: [['thuy2', 'mentioned']],
    day: 248,
  },
  {
    slug: 'hien-mau-tinh-nguyen',
    title: 'Ngày hội hiến máu tình nguyện năm 2024',
    body: [
      'Ngày hội thu về 412 đơn vị máu.',
      { image: 'Đoàn viên thanh niên xã Nhân Mỹ tham gia hiến máu tình nguyện', credit: 'Ảnh: Văn Vương' },
    ],
    people: [['vuong', 'photographer']],
    day: 160,
  },

  // ---- near-duplicates ----
  {
    slug: 'tong-ket-tuyen-giao-2023',
    title: 'Hội nghị tổng kết công tác tuyên giáo năm 2023',
    body: ['Ban Tuyên giáo Huyện ủy tổng kết công tác tuyên giáo năm 2023 và triển khai nhiệm vụ năm 2024.'],
    day: 345,
  },
  {
    slug: 'tong-ket-tuyen-giao-2023-cap-nhat',
    title: 'Hội nghị tổng kết công tác tuyên giáo năm 2023 (cập nhật)',
    body: [
      'Ban Tuyên giáo Huyện ủy tổng kết công tác tuyên giáo năm 2023 và triển khai nhiệm vụ năm 2024.',
      'Bản cập nhật bổ sung danh sách tập thể, cá nhân được khen thưởng.',
    ],
    day: 346,
  },
  {
    slug: 'thong-bao-tiep-dan-thang-11',
    title: 'Thông báo lịch tiếp công dân tháng 11',
    body: ['Lãnh đạo huyện tiếp công dân vào sáng thứ Năm hằng tuần tại Trụ sở tiếp công dân huyện.'],
    day: 305,
  },
  {
    slug: 'thong-bao-tiep-dan-thang-12',
    title: 'Thông báo lịch tiếp công dân tháng 12',
    body: ['Lãnh đạo huyện tiếp công dân vào sáng thứ Năm hằng tuần tại Trụ sở tiếp công dân huyện.'],
    day: 336,
  },

  // ---- capitals, decomposed text, captions, tags, summaries ----
  {
    slug: 'thong-bao-tuyen-dung-vien-chuc',
    title: 'THÔNG BÁO KẾT QUẢ TUYỂN DỤNG VIÊN CHỨC NĂM 2024',
    body: ['UBND HUYỆN LÝ NHÂN THÔNG BÁO KẾT QUẢ XÉT TUYỂN VIÊN CHỨC SỰ NGHIỆP GIÁO DỤC.'],
    day: 225,
  },
  {
    slug: 'nguoi-co-uy-tin-dong-bao',
    title: 'Phát huy vai trò người có uy tín trong công tác dân vận',
    body: ['Người có uy tín là cầu nối giữa cấp ủy, chính quyền với đồng bào, góp phần giữ vững an ninh trật tự.'],
    nfd: true,
    day: 190,
  },
  {
    slug: 'le-ra-quan-thanh-nien',
    title: 'Lễ ra quân Tháng Thanh niên',
    body: [
      'Tuổi trẻ huyện nhà ra quân với nhiều công trình, phần việc thiết thực.',
      { image: 'Đồng chí Bí thư Huyện đoàn trao cờ cho các đội hình tình nguyện' },
    ],
    day: 50,
  },
  {
    slug: 'an-sinh-tet',
    title: 'Chăm lo Tết cho người nghèo',
    body: ['Huyện trao 1.200 suất quà cho hộ nghèo, hộ cận nghèo trước Tết Nguyên đán.'],
    tags: ['an sinh xã hội'],
    day: 15,
  },
  {
    slug: 'mot-cua-lien-thong',
    title: 'Bộ phận một cửa cấp huyện đi vào hoạt động',
    summary: 'Bước tiến trong cải cách hành chính: người dân nộp hồ sơ tại một nơi.',
    body: ['Bộ phận tiếp nhận và trả kết quả được bố trí tại tầng 1 trụ sở UBND huyện.'],
    day: 35,
  },
  {
    slug: 'dien-dan-cong-dan',
    title: 'Diễn đàn công dân với văn minh đô thị',
    body: ['Đô thị văn minh bắt đầu từ ý thức của mỗi người dân.'],
    day: 45,
  },
  {
    slug: 'vaccine-covid-19',
    title: 'Tiêm vắc xin COVID-19 mũi nhắc lại',
    body: ['Trung tâm Y tế huyện tiêm mũi nhắc lại vắc xin phòng COVID-19 cho người cao tuổi.'],
    tags: ['y tế'],
    day: 25,
  },
  {
    slug: 'dai-hoi-mat-tran-xa',
    title: 'Đại hội đại biểu Mặt trận Tổ quốc xã Nhân Chính',
    body: ['Đại hội hiệp thương cử 35 vị vào Ủy ban MTTQ xã; đồng chí Nguyễn Văn Đạt phát biểu chỉ đạo.'],
    people: [['dat', 'mentioned']],
    day: 85,
  },
  {
    slug: 'phong-chay-chua-chay',
    title: 'Diễn tập phương án phòng cháy, chữa cháy tại chợ Vĩnh Trụ',
    body: ['Lực lượng công an và tiểu thương phối hợp dập tắt đám cháy giả định.'],
    day: 5,
  },

  // ---- what no anonymous reader may find ----
  {
    slug: 'du-thao-ke-hoach-dan-van-2025',
    title: 'Dự thảo kế hoạch công tác dân vận năm 2025',
    body: ['Dự thảo đang được lấy ý kiến các chi bộ.'],
    status: 'draft',
    day: 350,
  },
  {
    slug: 'lich-dan-van-sap-dang',
    title: 'Lịch sinh hoạt chuyên đề dân vận quý I',
    body: ['Chuyên đề về công tác dân vận chính quyền.'],
    scheduled: true,
    day: 355,
  },
  {
    slug: 'dan-van-2019-luu-tru',
    title: 'Tổng kết công tác dân vận năm 2019',
    body: ['Bài đã lưu trữ.'],
    status: 'archived',
    day: 1,
  },
  {
    slug: 'dan-van-da-xoa',
    title: 'Bài về dân vận đã gỡ',
    body: ['Bài viết đăng nhầm, đã chuyển vào thùng rác.'],
    trashed: true,
    day: 341,
  },
]
