"""The social network's demo content: official pages, their posts, comments, reactions, groups.

People are named by their e-mail local part in `vcnet.accounts.demo` (or "+84912000401", the
citizen who signed up with a phone number). Posts are listed oldest first. The topics are
real-sounding policy subjects; the figures are illustrative, not official statistics.
"""

from __future__ import annotations

from typing import NamedTuple

CENTRAL, HANOI, NGHEAN, HCM, LAMDONG, DANANG = (
    "btgdvtw",
    "btgdv-ha-noi",
    "btgdv-nghe-an",
    "btgdv-tp-hcm",
    "btgdv-lam-dong",
    "btgdv-da-nang",
)
NHUNG = "+84912000401"  # Đỗ Thị Hồng Nhung, a citizen with a phone number only
CITIZENS = (NHUNG, "khoabv", "mailt", "huyqg")


class DemoPage(NamedTuple):
    handle: str
    unit: str
    display_name: str
    bio: str
    creator: str  # the unit's administrator, who opens the page and owns it
    editors: tuple[str, ...]  # the unit's leader and clerk


class DemoPost(NamedTuple):
    author: str  # a page's handle, or a person's e-mail local part
    text: str
    image: str = ""  # the description of a generated picture; empty: no picture
    poll: tuple[str, ...] = ()
    comments: tuple[tuple[str, str], ...] = ()
    reactions: tuple[tuple[str, str], ...] = ()
    group: str = ""  # a group's slug
    visibility: str = "public"


class DemoGroup(NamedTuple):
    slug: str
    name: str
    kind: str
    description: str
    creator: str
    members: tuple[str, ...] = ()
    unit: str = ""


PAGES: tuple[DemoPage, ...] = (
    DemoPage(
        "bantuyengiaotw", CENTRAL, "Ban Tuyên giáo và Dân vận Trung ương",
        "Trang thông tin chính thức: định hướng, chính sách và tin hoạt động của Ban.",
        "khanhdq", ("tuanpm", "lanvt"),
    ),
    DemoPage(
        "btg_hanoi", HANOI, "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
        "Thông tin chính sách, hướng dẫn thủ tục và hoạt động cơ sở của Thủ đô.",
        "huylq", ("hungnv", "xuanptt"),
    ),
    DemoPage(
        "btg_nghean", NGHEAN, "Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An",
        "Kênh thông tin chính thức của Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An.",
        "locnd", ("thanhhs", "anhttn"),
    ),
    DemoPage(
        "btg_tphcm", HCM, "Ban Tuyên giáo và Dân vận Thành ủy TP. Hồ Chí Minh",
        "Tin chính sách và đời sống của Thành phố mang tên Bác.",
        "trietlm", ("phongvt", "linhntm"),
    ),
    DemoPage(
        "btg_lamdong", LAMDONG, "Ban Tuyên giáo và Dân vận Tỉnh ủy Lâm Đồng",
        "Thông tin chính thức của Ban Tuyên giáo và Dân vận Tỉnh ủy Lâm Đồng.",
        "tainh", ("thinhdv", "yenlth"),
    ),
    DemoPage(
        "btg_danang", DANANG, "Ban Tuyên giáo và Dân vận Thành ủy Đà Nẵng",
        "Thông tin chính sách, cảnh báo thiên tai và hoạt động cơ sở của Đà Nẵng.",
        "vinhtd", ("kienlt", "thuongpth"),
    ),
)  # fmt: skip

# Who follows which page (besides the pages' own editors).
FOLLOWS: dict[str, tuple[str, ...]] = {
    "bantuyengiaotw": (*CITIZENS, "quelv", "cuongdm", "hoanglb", "maitn", "tungnt", "sennt"),
    "btg_hanoi": (NHUNG, "khoabv", "hoanglb", "dungnt", "nganvt", "cuongdm", "giangnth"),
    "btg_nghean": ("mailt", "quelv", "datth", "tamhv", "sennt"),
    "btg_tphcm": ("huyqg", "toanlq", "chictk", "baotq"),
    "btg_lamdong": ("mailt", "binhtv", "hanhdt", "lamcv"),
    "btg_danang": ("khoabv", "loipv", "bantt", "namhv"),
}
# People who follow each other.
PERSON_FOLLOWS: tuple[tuple[str, str], ...] = (
    ("khoabv", "mailt"), ("mailt", "khoabv"), ("huyqg", "khoabv"), (NHUNG, "khoabv"),
    ("quelv", "khoabv"),
)  # fmt: skip

BIOS: dict[str, str] = {
    "khoabv": "Kỹ sư phần mềm ở Hà Nội, quan tâm chuyển đổi số và dịch vụ công.",
    "mailt": "Giáo viên tiểu học ở Nghệ An. Thích đọc sách và trồng rau sạch.",
    "huyqg": "Sinh viên năm ba, tình nguyện viên Mùa hè xanh.",
    NHUNG: "Chủ một cửa hàng tạp hóa nhỏ ở phường Ba Đình.",
}

GROUPS: tuple[DemoGroup, ...] = (
    DemoGroup(
        "chuyen-doi-so-co-so", "Chuyển đổi số cơ sở", "public",
        "Trao đổi kinh nghiệm đưa dịch vụ công trực tuyến, VNeID và thanh toán số đến từng "
        "khu dân cư. Ai quan tâm cũng có thể tham gia.",
        "khoabv", ("mailt", "huyqg", NHUNG, "hoanglb", "cuongdm"),
    ),
    DemoGroup(
        "noi-bo-btgdv-ha-noi", "Nội bộ Ban Tuyên giáo và Dân vận Thành ủy Hà Nội", "unit",
        "Nhóm của cán bộ Ban: lịch công tác, tài liệu sinh hoạt chi bộ, phân công trực.",
        "huylq", unit=HANOI,
    ),
)  # fmt: skip

# fmt: off
POSTS: tuple[DemoPost, ...] = (
    DemoPost(
        "bantuyengiaotw",
        "**Chuyển đổi số quốc gia**: năm 2026 tập trung đưa dịch vụ công trực tuyến toàn trình "
        "đến mọi người dân, xây dựng dữ liệu dân cư \"đúng, đủ, sạch, sống\". "
        "Mời bà con cùng tìm hiểu và góp ý! #ChuyểnĐổiSố #DịchVụCông",
        image="Ảnh minh họa: người dân làm thủ tục trên điện thoại tại bộ phận một cửa",
        comments=(
            ("khoabv", "Dịch vụ công trực tuyến giờ dùng tiện hơn nhiều, mong có thêm hướng dẫn cho người lớn tuổi."),
            ("mailt", "Ở xã em đã có tổ công nghệ số cộng đồng đến từng nhà hướng dẫn, rất thiết thực."),
        ),
        reactions=(("khoabv", "like"), ("mailt", "love"), ("huyqg", "like"), (NHUNG, "like"), ("quelv", "like")),
    ),
    DemoPost(
        "btg_hanoi",
        "Từ ngày 1/7, người dân Thủ đô có thể nộp hồ sơ đăng ký khai sinh, thường trú, cấp "
        "phiếu lý lịch tư pháp hoàn toàn trực tuyến trên Cổng dịch vụ công quốc gia "
        "https://dichvucong.gov.vn. #CảiCáchHànhChính #DịchVụCông",
        comments=((NHUNG, "Tôi vừa làm khai sinh cho cháu online, chỉ mất 2 ngày là có kết quả."),),
        reactions=((NHUNG, "like"), ("khoabv", "like"), ("dungnt", "like")),
    ),
    DemoPost(
        "btg_danang",
        "⚠️ Cảnh báo: áp thấp nhiệt đới có thể mạnh lên thành bão, gây mưa lớn diện rộng. "
        "Bà con vùng trũng chủ động gia cố nhà cửa, chuẩn bị lương thực, nước uống và theo dõi "
        "thông báo của chính quyền. #PhòngChốngLũLụt #ThiênTai",
        image="Bản đồ khu vực có nguy cơ ngập lụt ven sông Hàn",
        comments=(
            ("loipv", "Phường Hải Châu đã bố trí điểm sơ tán tại các trường học, bà con lưu ý."),
            ("khoabv", "Cảm ơn Ban đã thông tin kịp thời!"),
        ),
        reactions=(("khoabv", "like"), ("loipv", "like"), ("bantt", "sad"), ("namhv", "like")),
    ),
    DemoPost(
        "bantuyengiaotw",
        "Luật Bảo hiểm y tế sửa đổi có hiệu lực: người có thẻ **BHYT** được khám, chữa bệnh tại "
        "cơ sở y tế tuyến cơ bản bất kỳ trên toàn quốc mà không cần giấy chuyển tuyến trong "
        "nhiều trường hợp. Hãy kiểm tra thẻ BHYT của gia đình trên ứng dụng VssID. #BHYT #AnSinhXãHội",
        comments=(
            ("mailt", "Mẹ em đi khám ở tỉnh khác mà vẫn được hưởng đúng tuyến, rất tiện."),
            (NHUNG, "Hộ kinh doanh như tôi tham gia BHYT hộ gia đình thì đóng ở đâu ạ?"),
            ("lanvt", "Chị Nhung có thể đóng tại đại lý thu của bưu điện phường hoặc trực tuyến trên VssID ạ."),
        ),
        reactions=(("mailt", "like"), (NHUNG, "like"), ("huyqg", "wow"), ("quelv", "like")),
    ),
    DemoPost(
        "btg_nghean",
        "Nghệ An triển khai phong trào **Bình dân học vụ số**: mỗi khu dân cư có ít nhất một tổ "
        "công nghệ số cộng đồng, hướng dẫn bà con dùng VNeID, thanh toán không dùng tiền mặt và "
        "nhận diện tin giả. #BìnhDânHọcVụSố #ChuyểnĐổiSố",
        image="Thanh niên tình nguyện hướng dẫn người cao tuổi cài ứng dụng VNeID",
        comments=(("mailt", "Trường em cũng tổ chức cho phụ huynh học cùng con, rất vui!"),),
        reactions=(("mailt", "love"), ("quelv", "like"), ("tamhv", "like")),
    ),
    DemoPost(
        "btg_tphcm",
        "Đề án 06 tại TP. Hồ Chí Minh: đã tích hợp giấy phép lái xe, thẻ BHYT vào tài khoản "
        "định danh điện tử mức 2. Người dân không cần mang giấy tờ bản cứng khi làm thủ tục. #ĐềÁn06 #VNeID",
        comments=(("huyqg", "Em đi khám bệnh chỉ cần đưa CCCD gắn chip là xong, nhanh thật."),),
        reactions=(("huyqg", "like"), ("toanlq", "like"), ("chictk", "like")),
    ),
    DemoPost(
        "btg_lamdong",
        "Mùa mưa bão, bà con vùng đồi núi lưu ý nguy cơ sạt lở đất: không ở lại nhà sát taluy "
        "khi mưa lớn kéo dài, theo dõi vết nứt và báo ngay cho chính quyền. #PhòngChốngLũLụt #SạtLở",
        reactions=(("binhtv", "like"), ("hanhdt", "like"), ("mailt", "sad")),
    ),
    DemoPost(
        "bantuyengiaotw",
        "Thăm dò ý kiến: Bạn thường tìm hiểu chính sách mới qua kênh nào nhiều nhất? #KhảoSát",
        poll=("Mạng xã hội VCNET", "Truyền hình, báo in", "Loa phát thanh ở khu dân cư", "Họp tổ dân phố"),
        reactions=(("khoabv", "like"), ("huyqg", "like")),
    ),
    DemoPost(
        "btg_hanoi",
        "Cảnh giác với tin giả về \"thu hồi sổ đỏ khi sáp nhập phường\": đây là thông tin sai "
        "sự thật. Giấy chứng nhận quyền sử dụng đất đã cấp vẫn giữ nguyên giá trị pháp lý. "
        "#TinGiả #ChínhQuyềnHaiCấp",
        comments=(
            (NHUNG, "Nhóm Zalo tổ dân phố em cũng lan truyền tin này, may quá có thông tin chính thức."),
            ("khoabv", "Mọi người nên chia sẻ bài này để bà con yên tâm. @btg_hanoi cảm ơn Ban!"),
        ),
        reactions=((NHUNG, "like"), ("khoabv", "like"), ("hoanglb", "like"), ("nganvt", "like")),
    ),
    DemoPost(
        "btg_danang",
        "Hội An ra quân **Ngày Chủ nhật xanh**: thu gom rác thải nhựa ven sông Hoài, hạn chế túi "
        "ni lông tại chợ truyền thống. #MôiTrường #ChốngRácThảiNhựa",
        image="Đoàn viên thanh niên nhặt rác ven sông Hoài buổi sáng",
        reactions=(("bantt", "love"), ("khoabv", "like"), ("namhv", "like")),
    ),
    DemoPost(
        "khoabv",
        "Vừa thử nộp hồ sơ cấp đổi giấy phép lái xe trên VNeID: 10 phút xong, phí thanh toán "
        "online, bằng gửi về tận nhà. Chuyển đổi số là đây! #ChuyểnĐổiSố",
        comments=(("mailt", "Hay quá, cuối tuần em cũng làm thử."),),
        reactions=(("mailt", "like"), ("huyqg", "haha"), (NHUNG, "like")),
    ),
    DemoPost(
        "btg_nghean",
        "Phòng chống lũ lụt miền Tây Nghệ An: các xã Kỳ Sơn, Tương Dương đã di dời gần 300 hộ "
        "dân khỏi vùng nguy hiểm, bố trí lực lượng trực 24/24. #PhòngChốngLũLụt",
        comments=(("datth", "Lực lượng dân quân xã đã sẵn sàng xuồng, phao cứu sinh."),),
        reactions=(("quelv", "like"), ("datth", "like"), ("mailt", "sad")),
    ),
    DemoPost(
        "bantuyengiaotw",
        "Tổng kết 5 năm thực hiện Nghị quyết về **cải cách hành chính**: số thủ tục được cắt "
        "giảm, đơn giản hóa tăng mạnh; mức độ hài lòng của người dân tiếp tục cải thiện. "
        "#CảiCáchHànhChính",
        reactions=(("maitn", "like"), ("tungnt", "like"), ("quelv", "like")),
    ),
    DemoPost(
        "btg_tphcm",
        "Hưởng ứng Tháng hành động vì an toàn thực phẩm: người tiêu dùng nên chọn sản phẩm có "
        "nguồn gốc rõ ràng, quét mã QR truy xuất trước khi mua. #AnToànThựcPhẩm",
        reactions=(("huyqg", "like"), ("baotq", "like")),
    ),
    DemoPost(
        "btg_lamdong",
        "Đà Lạt đón mùa hoa dã quỳ: du khách vui lòng không bẻ hoa, không xả rác trên các cung "
        "đường đèo. Cùng giữ Đà Lạt xanh - sạch - đẹp! #DuLịchXanh #ĐàLạt",
        image="Đồi hoa dã quỳ vàng rực trên đèo Prenn",
        reactions=(("mailt", "love"), ("lamcv", "like"), ("binhtv", "love"), ("huyqg", "wow")),
    ),
    DemoPost(
        "btg_hanoi",
        "An toàn giao thông: từ năm học mới, học sinh đi xe đạp điện, xe máy điện phải đội mũ "
        "bảo hiểm. Phụ huynh nhắc nhở các em chấp hành nghiêm. #AnToànGiaoThông",
        comments=(("hoanglb", "Xã Sóc Sơn đã tuyên truyền tại tất cả các trường THCS."),),
        reactions=(("cuongdm", "like"), ("giangnth", "like"), (NHUNG, "like")),
    ),
    DemoPost(
        "bantuyengiaotw",
        "Chính quyền địa phương hai cấp đã vận hành: người dân làm thủ tục tại Trung tâm phục "
        "vụ hành chính công cấp xã, không phải lên huyện như trước. #ChínhQuyềnHaiCấp #CảiCáchHànhChính",
        comments=(
            ("huyqg", "Bố mẹ em ở quê đỡ phải đi xa, rất thuận tiện."),
            ("sennt", "Phường Cửa Lò đã bố trí cán bộ hướng dẫn trực tại bộ phận một cửa."),
        ),
        reactions=(("huyqg", "love"), ("sennt", "like"), ("khoabv", "like"), ("mailt", "like")),
    ),
    DemoPost(
        "btg_danang",
        "Tuyển sinh lớp học bơi miễn phí cho trẻ em hè này tại các phường ven biển, phòng chống "
        "đuối nước. Đăng ký tại UBND phường trước ngày 15/6. #PhòngChốngĐuốiNước",
        reactions=(("loipv", "like"), ("bantt", "love")),
    ),
    DemoPost(
        "mailt",
        "Lớp em hôm nay học chủ đề \"Nhận diện tin giả trên mạng\". Các bạn nhỏ đặt câu hỏi rất "
        "hay! #TinGiả #BìnhDânHọcVụSố",
        reactions=(("khoabv", "love"), ("huyqg", "like")),
    ),
    DemoPost(
        "btg_nghean",
        "Bảo hiểm xã hội tự nguyện: Nhà nước hỗ trợ 30% mức đóng cho hộ nghèo, 25% cho hộ cận "
        "nghèo. Tham gia để có lương hưu khi về già! #BHXH #AnSinhXãHội",
        comments=(("mailt", "Nhà em vừa đăng ký cho bố mẹ, thủ tục đơn giản."),),
        reactions=(("mailt", "like"), ("quelv", "like")),
    ),
    DemoPost(
        "btg_tphcm",
        "Cuộc thi **Sáng kiến chuyển đổi số cộng đồng** dành cho thanh niên Thành phố: giải "
        "thưởng đến 100 triệu đồng, hạn nộp bài 30/9. #ChuyểnĐổiSố #KhởiNghiệp",
        reactions=(("huyqg", "love"), ("toanlq", "like")),
    ),
    DemoPost(
        "bantuyengiaotw",
        "Phòng chống sốt xuất huyết mùa mưa: đậy kín dụng cụ chứa nước, thả cá diệt bọ gậy, "
        "ngủ màn kể cả ban ngày. Đến ngay cơ sở y tế khi sốt cao liên tục. #SứcKhỏeCộngĐồng",
        reactions=(("mailt", "like"), (NHUNG, "like")),
    ),
    DemoPost(
        "btg_hanoi",
        "Hà Nội mở rộng thanh toán không dùng tiền mặt tại chợ dân sinh: hơn 80% tiểu thương "
        "các chợ trung tâm đã có mã QR. #ThanhToánSố #ChuyểnĐổiSố",
        image="Tiểu thương chợ Đồng Xuân nhận thanh toán bằng mã QR",
        comments=((NHUNG, "Cửa hàng tôi cũng dùng mã QR, khách trẻ rất thích."),),
        reactions=((NHUNG, "love"), ("khoabv", "like")),
    ),
    DemoPost(
        "btg_lamdong",
        "Phan Thiết chuẩn bị mùa du lịch biển: kiểm tra an toàn các điểm tắm biển, niêm yết giá "
        "dịch vụ công khai, xử lý nghiêm tình trạng chèo kéo khách. #DuLịchXanh",
        reactions=(("hanhdt", "like"), ("tainh", "like")),
    ),
    DemoPost(
        "bantuyengiaotw",
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh: lan tỏa những tấm gương "
        "\"người tốt, việc tốt\" ở cơ sở. Mời bạn chia sẻ câu chuyện đẹp ở địa phương mình! #NgườiTốtViệcTốt",
        comments=(
            ("khoabv", "Tổ dân phố em có bác tổ trưởng 20 năm tận tụy, ai cũng quý."),
            ("mailt", "Cô hiệu trưởng trường em mỗi sáng đều đứng cổng đón học sinh."),
        ),
        reactions=(("khoabv", "love"), ("mailt", "love"), ("huyqg", "like"), (NHUNG, "like")),
    ),
    DemoPost(
        "btg_danang",
        "Đà Nẵng thí điểm hệ thống cảnh báo ngập lụt tự động qua tin nhắn và ứng dụng "
        "Danang Smart City. Bà con cài đặt để nhận cảnh báo sớm. #PhòngChốngLũLụt #ĐôThịThôngMinh",
        reactions=(("khoabv", "wow"), ("loipv", "like")),
    ),
    DemoPost(
        "huyqg",
        "Chiến dịch Mùa hè xanh năm nay nhóm mình về xã Diễn Châu dạy tin học cho các em nhỏ và "
        "hướng dẫn bà con dùng dịch vụ công trực tuyến. #MùaHèXanh #BìnhDânHọcVụSố",
        reactions=(("mailt", "love"), ("khoabv", "like")),
    ),
    DemoPost(
        "btg_nghean",
        "Xây dựng nông thôn mới kiểu mẫu: Diễn Châu phát triển vùng trồng rau an toàn theo chuẩn "
        "VietGAP, liên kết tiêu thụ với siêu thị. #NôngThônMới",
        reactions=(("mailt", "like"), ("tamhv", "like")),
    ),
    DemoPost(
        "btg_tphcm",
        "Từ 1/1, TP. Hồ Chí Minh áp dụng phân loại rác tại nguồn: rác thực phẩm, rác tái chế và "
        "rác khác. Hướng dẫn chi tiết tại UBND phường. #MôiTrường #PhânLoạiRác",
        comments=(("huyqg", "Khu trọ em đã có ba thùng rác riêng, mọi người làm theo nghiêm túc."),),
        reactions=(("huyqg", "like"), ("chictk", "like")),
    ),
    DemoPost(
        "bantuyengiaotw",
        "Chương trình mục tiêu quốc gia về **giảm nghèo bền vững**: hỗ trợ sinh kế, nhà ở và "
        "học nghề cho hộ nghèo vùng đồng bào dân tộc thiểu số. #GiảmNghèo #AnSinhXãHội",
        reactions=(("quelv", "like"), ("maitn", "like")),
    ),
    DemoPost(
        "khoabv",
        "Gợi ý cho bà con: đặt mật khẩu mạnh và bật xác thực hai lớp cho VNeID, không đọc mã OTP "
        "cho bất kỳ ai qua điện thoại. #AnToànThôngTin #ChuyểnĐổiSố",
        reactions=(("mailt", "like"), (NHUNG, "like"), ("huyqg", "like")),
    ),
    DemoPost(
        "btg_hanoi",
        "Phòng cháy chữa cháy nhà ở kết hợp kinh doanh: lắp bình chữa cháy, thiết bị báo khói và "
        "mở lối thoát nạn thứ hai. Kiểm tra miễn phí tại phường từ thứ Hai tới. #PCCC",
        comments=((NHUNG, "Cửa hàng tôi đăng ký kiểm tra rồi, cảm ơn phường."),),
        reactions=((NHUNG, "like"), ("dungnt", "like")),
    ),
    DemoPost(
        "khoabv",
        "Nhóm mình tổng hợp các lỗi hay gặp khi nộp hồ sơ trực tuyến, mọi người bổ sung nhé! "
        "#DịchVụCông",
        group="chuyen-doi-so-co-so",
        comments=(("hoanglb", "Lỗi hay gặp nhất là ảnh chụp giấy tờ bị mờ, nên chụp nơi đủ sáng."),),
        reactions=(("mailt", "like"), ("cuongdm", "like")),
    ),
    DemoPost(
        "mailt",
        "Có ai biết cách hướng dẫn ông bà dùng VNeID khi điện thoại đời cũ không quét được NFC không ạ?",
        group="chuyen-doi-so-co-so",
        comments=(("khoabv", "Ra công an phường kích hoạt trực tiếp là nhanh nhất bạn ạ."),),
    ),
    DemoPost(
        "hungnv",
        "Lịch giao ban tuần: sáng thứ Hai họp toàn Ban lúc 8h00; các phòng gửi báo cáo tuần "
        "trước 16h thứ Sáu. Đề nghị đồng chí Văn thư tổng hợp.",
        group="noi-bo-btgdv-ha-noi", visibility="group",
        reactions=(("xuanptt", "like"), ("huylq", "like")),
    ),
)
# fmt: on
