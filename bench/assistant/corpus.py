"""Word lists and templates for a synthetic e-office corpus in Vietnamese, and the questions
asked of it. Pure functions of a `random.Random`: the same seed gives the same corpus.

Each document is about one topic (`TOPICS`) and written as one kind (`KINDS`): official letters
(công văn), plans (kế hoạch: I. MỤC ĐÍCH, II. NỘI DUNG…), decisions (quyết định: Điều 1, 2, 3),
regulations (quy chế: Chương, Điều, Khoản, points a) b)), notices, reports and guidance. The
facts a question asks about (a deadline, the unit in charge, the funding, a target) appear in
the body with numbers and dates that vary from one document to the next.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from vcnet.core.text import fold


@dataclass(frozen=True)
class Topic:
    name: str  # noun phrase after "về" / "công tác"
    short: str  # how people say it in a question
    lead: str  # the agency usually in charge
    measures: tuple[str, ...]
    target: str  # a sentence with {pct} and {n}


TOPICS: tuple[Topic, ...] = (
    Topic(
        "phòng, chống lũ lụt và giảm nhẹ thiên tai",
        "chống lũ lụt",
        "Ban Chỉ huy phòng, chống thiên tai và tìm kiếm cứu nạn tỉnh",
        (
            "rà soát các khu dân cư ven sông, vùng trũng thấp có nguy cơ ngập sâu",
            "chuẩn bị đủ lương thực, thuốc men, áo phao và phương tiện cứu hộ theo phương châm bốn tại chỗ",
            "tổ chức diễn tập sơ tán dân ở các xã thường xuyên bị chia cắt",
            "kiểm tra an toàn hồ đập, đê điều trước mùa mưa bão",
            "thông tin kịp thời bản tin dự báo mưa lũ trên hệ thống truyền thanh cơ sở",
        ),
        "Phấn đấu {pct}% hộ dân vùng nguy cơ cao được hướng dẫn kỹ năng ứng phó, di dời {n} hộ ra khỏi vùng sạt lở.",
    ),
    Topic(
        "chuyển đổi số trong cơ quan Đảng",
        "chuyển đổi số",
        "Văn phòng Tỉnh ủy",
        (
            "sử dụng chữ ký số cho toàn bộ văn bản đi trên hệ thống quản lý văn bản điện tử",
            "số hóa hồ sơ lưu trữ từ năm 2015 đến nay",
            "kết nối hệ thống thư điện tử công vụ với nền tảng định danh VNeID",
            "bồi dưỡng kỹ năng số cho cán bộ, công chức",
            "bảo đảm an toàn thông tin theo cấp độ cho các hệ thống dùng chung",
        ),
        "Đến hết năm 2026, {pct}% văn bản được gửi, nhận dưới dạng điện tử; {n} cán bộ được cấp chứng thư số.",
    ),
    Topic(
        "cải cách hành chính",
        "cải cách hành chính",
        "Sở Nội vụ",
        (
            "cắt giảm thời gian giải quyết thủ tục hành chính ít nhất 30%",
            "niêm yết công khai thủ tục tại bộ phận một cửa",
            "tiếp nhận hồ sơ trực tuyến toàn trình trên Cổng dịch vụ công",
            "khảo sát mức độ hài lòng của người dân và doanh nghiệp",
        ),
        "Tỷ lệ hồ sơ trực tuyến toàn trình đạt {pct}%; chỉ số hài lòng của người dân trên {n} điểm.",
    ),
    Topic(
        "học tập, quán triệt Nghị quyết Đại hội Đảng bộ tỉnh",
        "học tập nghị quyết",
        "Ban Tuyên giáo Tỉnh ủy",
        (
            "tổ chức hội nghị trực tuyến đến các điểm cầu cấp xã",
            "biên soạn tài liệu hỏi đáp ngắn gọn, dễ hiểu cho đảng viên",
            "viết bài thu hoạch cá nhân và xây dựng chương trình hành động",
            "kiểm tra việc học tập ở các chi bộ trực thuộc",
        ),
        "Bảo đảm {pct}% cán bộ, đảng viên tham gia học tập; tổ chức {n} lớp tại cơ sở.",
    ),
    Topic(
        "bảo đảm trật tự an toàn giao thông",
        "an toàn giao thông",
        "Công an tỉnh",
        (
            "xử lý nghiêm người điều khiển phương tiện có nồng độ cồn",
            "tuyên truyền đội mũ bảo hiểm đúng quy cách cho học sinh",
            "khắc phục các điểm đen tai nạn trên quốc lộ",
            "kiểm tra xe chở khách dịp lễ, Tết",
        ),
        "Giảm {pct}% số vụ tai nạn so với cùng kỳ; không để xảy ra quá {n} vụ nghiêm trọng.",
    ),
    Topic(
        "phòng, chống dịch sốt xuất huyết",
        "sốt xuất huyết",
        "Sở Y tế",
        (
            "tổ chức chiến dịch diệt lăng quăng, bọ gậy tại hộ gia đình",
            "giám sát ca bệnh và xử lý ổ dịch trong vòng 48 giờ",
            "phun hóa chất diệt muỗi ở các điểm nóng",
            "hướng dẫn người dân đến cơ sở y tế khi có dấu hiệu sốt cao",
        ),
        "Giảm {pct}% số ca mắc so với năm trước; không để dịch lan rộng tại {n} xã trọng điểm.",
    ),
    Topic(
        "xây dựng nông thôn mới",
        "nông thôn mới",
        "Văn phòng Điều phối nông thôn mới tỉnh",
        (
            "huy động nguồn lực xã hội hóa làm đường giao thông nông thôn",
            "phát triển sản phẩm OCOP gắn với thế mạnh địa phương",
            "chỉnh trang cảnh quan, môi trường khu dân cư",
            "nâng cao thu nhập cho người dân vùng khó khăn",
        ),
        "Thêm {n} xã đạt chuẩn nông thôn mới nâng cao; {pct}% thôn có nhà văn hóa đạt chuẩn.",
    ),
    Topic(
        "bảo vệ nền tảng tư tưởng của Đảng",
        "bảo vệ nền tảng tư tưởng",
        "Ban Chỉ đạo 35 tỉnh",
        (
            "đấu tranh phản bác các quan điểm sai trái, thù địch trên không gian mạng",
            "xây dựng lực lượng cộng tác viên dư luận xã hội",
            "tổ chức cuộc thi viết chính luận",
            "cung cấp thông tin chính thống kịp thời trên mạng xã hội",
        ),
        "Mỗi năm có ít nhất {n} bài viết chính luận; {pct}% chi bộ sinh hoạt chuyên đề.",
    ),
    Topic(
        "bồi dưỡng báo cáo viên",
        "báo cáo viên",
        "Ban Tuyên giáo Tỉnh ủy",
        (
            "cập nhật thông tin thời sự hằng tháng cho báo cáo viên",
            "tập huấn kỹ năng nói trước công chúng",
            "bổ sung báo cáo viên ở cấp xã còn thiếu",
            "đánh giá chất lượng hội nghị báo cáo viên định kỳ",
        ),
        "Bồi dưỡng {n} báo cáo viên; {pct}% báo cáo viên được cập nhật thông tin ít nhất một lần mỗi quý.",
    ),
    Topic(
        "công tác dư luận xã hội",
        "dư luận xã hội",
        "Ban Tuyên giáo Tỉnh ủy",
        (
            "nắm bắt tâm trạng, ý kiến của nhân dân trước các sự kiện lớn",
            "tổng hợp, báo cáo định kỳ hằng tháng về tình hình tư tưởng",
            "điều tra xã hội học về các vấn đề được quan tâm",
        ),
        "Duy trì mạng lưới {n} cộng tác viên; {pct}% báo cáo gửi đúng hạn.",
    ),
    Topic(
        "thông tin đối ngoại",
        "thông tin đối ngoại",
        "Sở Ngoại vụ",
        (
            "giới thiệu hình ảnh địa phương với bạn bè quốc tế",
            "cung cấp thông tin cho phóng viên nước ngoài theo quy định",
            "tuyên truyền về chủ quyền biên giới, biển đảo",
        ),
        "Phát hành {n} ấn phẩm song ngữ; {pct}% cơ quan có người phụ trách thông tin đối ngoại.",
    ),
    Topic(
        "kỷ niệm Ngày thành lập Đảng Cộng sản Việt Nam",
        "kỷ niệm ngày thành lập Đảng",
        "Ban Tuyên giáo Tỉnh ủy",
        (
            "treo cờ Đảng, cờ Tổ quốc tại trụ sở cơ quan và tuyến phố chính",
            "tổ chức mít tinh và chương trình văn nghệ chào mừng",
            "trao Huy hiệu Đảng cho đảng viên đủ tuổi Đảng",
            "tuyên truyền truyền thống vẻ vang của Đảng trên báo chí địa phương",
        ),
        "Trao Huy hiệu Đảng cho {n} đảng viên; {pct}% cơ sở tổ chức hoạt động kỷ niệm.",
    ),
    Topic(
        "bảo hiểm y tế học sinh, sinh viên",
        "bảo hiểm y tế học sinh",
        "Bảo hiểm xã hội tỉnh",
        (
            "vận động phụ huynh tham gia bảo hiểm y tế cho con em",
            "hỗ trợ mức đóng cho học sinh thuộc hộ cận nghèo",
            "cấp thẻ bảo hiểm y tế điện tử trên ứng dụng VNeID",
        ),
        "Tỷ lệ học sinh tham gia bảo hiểm y tế đạt {pct}%; hỗ trợ {n} học sinh khó khăn.",
    ),
    Topic(
        "phòng cháy, chữa cháy rừng",
        "cháy rừng",
        "Chi cục Kiểm lâm",
        (
            "phân công trực 24/24 giờ trong cao điểm nắng nóng",
            "làm đường băng cản lửa ở các khu rừng thông",
            "cấm đốt nương rẫy khi cấp dự báo cháy rừng từ cấp IV trở lên",
            "kiểm tra phương án chữa cháy của các chủ rừng",
        ),
        "Không để xảy ra cháy rừng lớn; làm mới {n} km đường băng; {pct}% chủ rừng có phương án.",
    ),
    Topic(
        "thi đua, khen thưởng",
        "thi đua khen thưởng",
        "Ban Thi đua - Khen thưởng tỉnh",
        (
            "phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến",
            "xét tặng danh hiệu Chiến sĩ thi đua cơ sở",
            "khen thưởng đột xuất cho tập thể, cá nhân có thành tích xuất sắc",
        ),
        "Khen thưởng {n} tập thể, cá nhân; {pct}% hồ sơ được xét trong thời hạn.",
    ),
    Topic(
        "tiếp công dân và giải quyết khiếu nại, tố cáo",
        "tiếp công dân",
        "Ban Tiếp công dân tỉnh",
        (
            "người đứng đầu tiếp công dân định kỳ ít nhất một ngày trong tháng",
            "giải quyết dứt điểm các vụ việc tồn đọng, kéo dài",
            "công khai lịch tiếp công dân trên cổng thông tin điện tử",
        ),
        "Giải quyết {pct}% đơn thư thuộc thẩm quyền; tổ chức {n} buổi đối thoại.",
    ),
    Topic(
        "quản lý, sử dụng kinh phí và tài sản công",
        "tài sản công",
        "Sở Tài chính",
        (
            "thực hành tiết kiệm, chống lãng phí trong chi thường xuyên",
            "kiểm kê tài sản công vào cuối năm",
            "công khai dự toán và quyết toán ngân sách",
        ),
        "Tiết kiệm {pct}% chi thường xuyên; thanh lý {n} tài sản hết hạn sử dụng.",
    ),
    Topic(
        "bảo vệ môi trường và giảm rác thải nhựa",
        "rác thải nhựa",
        "Sở Tài nguyên và Môi trường",
        (
            "không sử dụng túi ni lông khó phân hủy trong cơ quan",
            "phân loại rác tại nguồn ở khu dân cư",
            "tổ chức ra quân làm sạch bãi biển",
        ),
        "Giảm {pct}% rác thải nhựa dùng một lần; {n} khu dân cư phân loại rác tại nguồn.",
    ),
    Topic(
        "phòng, chống ma túy",
        "ma túy",
        "Công an tỉnh",
        (
            "xây dựng xã, phường không có ma túy",
            "tuyên truyền tác hại của ma túy tổng hợp trong trường học",
            "quản lý người sau cai nghiện tại cộng đồng",
        ),
        "Phấn đấu {n} xã không có ma túy; {pct}% người nghiện được điều trị.",
    ),
    Topic(
        "xóa nhà tạm, nhà dột nát",
        "xóa nhà tạm",
        "Ủy ban Mặt trận Tổ quốc tỉnh",
        (
            "rà soát hộ nghèo, hộ cận nghèo chưa có nhà ở kiên cố",
            "vận động doanh nghiệp, nhà hảo tâm ủng hộ Quỹ Vì người nghèo",
            "huy động đoàn viên thanh niên góp ngày công xây nhà",
        ),
        "Hoàn thành {n} căn nhà mới; {pct}% hộ nghèo có nhà ở an toàn.",
    ),
    Topic(
        "văn hóa công sở",
        "văn hóa công sở",
        "Sở Nội vụ",
        (
            "đeo thẻ công chức trong giờ làm việc",
            "không hút thuốc lá trong phòng làm việc",
            "giữ thái độ lịch sự, tận tình khi tiếp dân",
        ),
        "{pct}% cơ quan niêm yết quy tắc ứng xử; kiểm tra đột xuất {n} cơ quan.",
    ),
    Topic(
        "bảo đảm an toàn thông tin mạng",
        "an toàn thông tin",
        "Sở Thông tin và Truyền thông",
        (
            "không lưu văn bản mật trên máy tính kết nối Internet",
            "cập nhật bản vá phần mềm và phần mềm diệt virus",
            "diễn tập ứng cứu sự cố an toàn thông tin mạng",
            "cảnh giác với thư điện tử giả mạo có tệp đính kèm",
        ),
        "{pct}% máy tính được cài phần mềm phòng chống mã độc; diễn tập {n} lần mỗi năm.",
    ),
    Topic(
        "tuyên truyền về biên giới, biển đảo",
        "biên giới biển đảo",
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
        (
            "tổ chức triển lãm bản đồ và tư liệu về Hoàng Sa, Trường Sa",
            "thăm, tặng quà cán bộ, chiến sĩ nơi biên giới",
            "tuyên truyền Luật Biển Việt Nam cho ngư dân",
        ),
        "Tổ chức {n} đợt tuyên truyền; {pct}% tàu cá được lắp thiết bị giám sát hành trình.",
    ),
    Topic(
        "tuyển dụng công chức",
        "tuyển dụng công chức",
        "Ban Tổ chức Tỉnh ủy",
        (
            "thông báo công khai chỉ tiêu, điều kiện dự tuyển",
            "thi trắc nghiệm trên máy tính ở vòng một",
            "phỏng vấn chuyên môn ở vòng hai",
        ),
        "Tuyển {n} chỉ tiêu; {pct}% thí sinh trúng tuyển có trình độ đại học trở lên.",
    ),
)

ISSUERS = (
    "Ban Tuyên giáo Trung ương",
    "Văn phòng Trung ương Đảng",
    "Tỉnh ủy",
    "Ban Thường vụ Tỉnh ủy",
    "Ủy ban nhân dân tỉnh",
    "Ban Tổ chức Tỉnh ủy",
    "Ban Dân vận Tỉnh ủy",
    "Sở Thông tin và Truyền thông",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Hội đồng nhân dân tỉnh",
    "Ủy ban Mặt trận Tổ quốc tỉnh",
    "Huyện ủy Nam Đàn",
    "Thành ủy Vinh",
)
SIGNERS = (
    ("Phó Trưởng ban", "Nguyễn Văn Hùng"),
    ("Trưởng ban", "Trần Thị Lan"),
    ("Phó Bí thư", "Lê Quốc Khánh"),
    ("Chánh Văn phòng", "Phạm Minh Đức"),
    ("Phó Chủ tịch", "Đỗ Thu Hà"),
    ("Giám đốc", "Hoàng Văn Sơn"),
)
FUNDING = (
    "ngân sách nhà nước bố trí trong dự toán năm của đơn vị",
    "nguồn kinh phí sự nghiệp được giao và nguồn xã hội hóa",
    "ngân sách tỉnh hỗ trợ 70%, ngân sách cấp huyện đối ứng 30%",
    "kinh phí thường xuyên của cơ quan, tiết kiệm tối đa",
)
YEARS = (2024, 2025, 2026)
FILLER = (
    "Thời gian qua, các cấp ủy, chính quyền đã quan tâm lãnh đạo, chỉ đạo và đạt được những kết "
    "quả bước đầu quan trọng; tuy nhiên, việc triển khai ở một số nơi còn chậm, thiếu đồng bộ.",
    "Nhận thức của một bộ phận cán bộ, đảng viên và nhân dân về ý nghĩa của nhiệm vụ này chưa đầy "
    "đủ; công tác phối hợp giữa các cơ quan có lúc chưa chặt chẽ.",
    "Nguyên nhân chủ yếu là người đứng đầu một số cơ quan chưa thật sự sâu sát, việc kiểm tra, đôn "
    "đốc chưa thường xuyên, nguồn lực bảo đảm còn hạn chế.",
    "Các cơ quan, đơn vị căn cứ chức năng, nhiệm vụ được giao chủ động xây dựng kế hoạch cụ thể, "
    "phân công rõ người, rõ việc, rõ thời gian hoàn thành.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị kịp thời phản ánh để được "
    "hướng dẫn, giải quyết.",
    "Việc tổ chức thực hiện phải bảo đảm thiết thực, hiệu quả, tiết kiệm, tránh hình thức, phô "
    "trương, lãng phí.",
    "Kết quả thực hiện là một trong những tiêu chí đánh giá, xếp loại chất lượng tổ chức đảng và "
    "đảng viên cuối năm.",
)
KINDS = ("Công văn", "Kế hoạch", "Quyết định", "Quy chế", "Thông báo", "Báo cáo", "Hướng dẫn")
KIND_WEIGHTS = (30, 20, 12, 8, 12, 10, 8)
NOTATION = {
    "Công văn": "CV",
    "Kế hoạch": "KH",
    "Quyết định": "QĐ",
    "Quy chế": "QC",
    "Thông báo": "TB",
    "Báo cáo": "BC",
    "Hướng dẫn": "HD",
}


@dataclass
class Generated:
    kind: str
    topic: Topic
    subject: str
    text: str
    issuer: str
    signer_position: str
    signer_name: str
    year: int
    deadline: str
    notation: str


def _date(rng: random.Random, year: int) -> str:
    return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}"


def _measures(rng: random.Random, topic: Topic, k: int) -> list[str]:
    items = list(topic.measures)
    rng.shuffle(items)
    return items[: min(k, len(items))]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _words(parts: list[str]) -> int:
    return sum(len(p.split()) for p in parts)


def _body(
    rng: random.Random, kind: str, topic: Topic, year: int, deadline: str, issuer: str
) -> list[str]:
    """Paragraphs of the body (without the words-count trimming)."""
    target = topic.target.format(pct=rng.choice((70, 80, 85, 90, 95, 100)), n=rng.randint(3, 250))
    funding = rng.choice(FUNDING)
    lead = topic.lead
    report = (
        f"Các đơn vị báo cáo kết quả thực hiện {topic.name} về {lead} trước ngày {deadline} "
        f"để tổng hợp, báo cáo {issuer}."
    )
    measures = _measures(rng, topic, 4)
    filler = list(FILLER)
    rng.shuffle(filler)
    out: list[str] = []
    if kind == "Công văn":
        out.append("Kính gửi: Các huyện ủy, thành ủy, thị ủy và đảng ủy trực thuộc Tỉnh ủy.")
        out.append(
            f"Thực hiện chỉ đạo của {issuer} về {topic.name} năm {year}, đề nghị các đơn vị "
            "quan tâm thực hiện tốt một số nội dung sau:"
        )
        out.extend(f"{i}. {_cap(m)}." for i, m in enumerate(measures, 1))
        out.append(target)
        out.append(f"Kinh phí thực hiện từ {funding}.")
        out.append(report)
        out.extend(filler[:3])
    elif kind == "Kế hoạch":
        out.append(
            f"Thực hiện Chương trình công tác năm {year}, {issuer} ban hành kế hoạch {topic.name} như sau:"
        )
        out.append("I. MỤC ĐÍCH, YÊU CẦU")
        out.append(f"1. Mục đích: {target}")
        out.append("2. Yêu cầu: " + filler[0])
        out.append("II. NỘI DUNG")
        out.extend(f"{i}. {_cap(m)}." for i, m in enumerate(measures, 1))
        out.append("III. KINH PHÍ")
        out.append(f"Kinh phí thực hiện kế hoạch được bảo đảm từ {funding}.")
        out.append("IV. TỔ CHỨC THỰC HIỆN")
        out.append(
            f"1. {lead} chủ trì, phối hợp với các cơ quan liên quan triển khai kế hoạch này."
        )
        out.append("2. " + report)
        out.extend(filler[1:3])
    elif kind == "Quyết định":
        out.append(f"Căn cứ Quy chế làm việc của {issuer} nhiệm kỳ 2025 - 2030;")
        out.append(f"Xét đề nghị của {lead},")
        out.append("QUYẾT ĐỊNH:")
        out.append(
            f"Điều 1. Thành lập Ban Chỉ đạo {topic.name} năm {year}, do đồng chí "
            f"{rng.choice(SIGNERS)[1]} làm Trưởng ban."
        )
        out.append("Điều 2. Nhiệm vụ của Ban Chỉ đạo")
        out.extend(f"{i}. {_cap(m)}." for i, m in enumerate(measures, 1))
        out.append(f"{len(measures) + 1}. {target}")
        out.append(f"Điều 3. Kinh phí hoạt động của Ban Chỉ đạo từ {funding}.")
        out.append(
            f"Điều 4. Quyết định có hiệu lực kể từ ngày ký. {lead} và các cơ quan liên quan "
            "chịu trách nhiệm thi hành Quyết định này. " + report
        )
    elif kind == "Quy chế":
        out.append(f"QUY CHẾ phối hợp về {topic.name}")
        out.append("Chương I QUY ĐỊNH CHUNG")
        out.append(
            f"Điều 1. Phạm vi điều chỉnh. Quy chế này quy định nguyên tắc, nội dung và trách "
            f"nhiệm phối hợp giữa các cơ quan trong {topic.name}."
        )
        out.append(
            "Điều 2. Đối tượng áp dụng. 1. Các cơ quan tham mưu, giúp việc của Tỉnh ủy. "
            "2. Các sở, ban, ngành cấp tỉnh. 3. Các huyện ủy, thành ủy và đảng ủy trực thuộc."
        )
        out.append("Chương II NỘI DUNG PHỐI HỢP")
        out.append(f"Điều 3. Trách nhiệm của {lead}")
        out.append("1. Chủ trì, hướng dẫn, kiểm tra việc thực hiện; cụ thể:")
        out.extend(f"{'abcdef'[i]}) {m};" for i, m in enumerate(measures))
        out.append("2. " + report)
        out.append(f"Điều 4. Kinh phí. Kinh phí bảo đảm cho hoạt động phối hợp từ {funding}.")
        out.append("Chương III TỔ CHỨC THỰC HIỆN")
        out.append(
            f"Điều 5. Hiệu lực thi hành. Quy chế này có hiệu lực từ ngày {_date(rng, year)}. "
            + filler[0]
        )
    elif kind == "Thông báo":
        out.append(
            f"Ngày {_date(rng, year)}, đồng chí {rng.choice(SIGNERS)[1]} chủ trì cuộc họp về "
            f"{topic.name}. Sau khi nghe báo cáo, ý kiến phát biểu của các đại biểu, đồng chí "
            "chủ trì kết luận như sau:"
        )
        out.append("1. " + filler[0])
        out.append("2. Nhiệm vụ thời gian tới: " + "; ".join(measures) + ".")
        out.append("3. " + target)
        out.append(f"4. Giao {lead} chủ trì, theo dõi, đôn đốc. " + report)
        out.extend(filler[1:3])
    elif kind == "Báo cáo":
        out.append(f"Báo cáo kết quả {topic.name} năm {year}:")
        out.append("I. KẾT QUẢ ĐẠT ĐƯỢC")
        out.extend(f"- Đã {m}." for m in measures)
        out.append(
            f"- Đến nay, {rng.randint(40, 99)}% chỉ tiêu đề ra đã hoàn thành; mục tiêu năm: {target}"
        )
        out.append("II. HẠN CHẾ, NGUYÊN NHÂN")
        out.extend(filler[:2])
        out.append("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI")
        out.append(f"Tiếp tục {measures[0]}; kinh phí từ {funding}. {report}")
    else:  # Hướng dẫn
        out.append(f"Để thực hiện thống nhất {topic.name}, {issuer} hướng dẫn như sau:")
        out.append("1. Nội dung thực hiện")
        out.extend(f"{'abcdef'[i]}) {_cap(m)}." for i, m in enumerate(measures))
        out.append("2. Chỉ tiêu: " + target)
        out.append(f"3. Kinh phí: từ {funding}.")
        out.append(f"4. Chế độ báo cáo: {report}")
        out.extend(filler[:2])
    return out


def document(rng: random.Random) -> Generated:
    """One document: 150-600 words, realistic structure for its kind."""
    kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
    topic = rng.choice(TOPICS)
    year = rng.choice(YEARS)
    issuer = rng.choice(ISSUERS)
    position, signer = rng.choice(SIGNERS)
    deadline = _date(rng, year)
    paragraphs = _body(rng, kind, topic, year, deadline, issuer)
    want = rng.randint(150, 600)
    extra = list(FILLER)
    # Pad with more context (background, results of earlier years) up to the drawn length.
    while _words(paragraphs) < want:
        m = rng.choice(topic.measures)
        paragraphs.insert(
            -1,
            rng.choice(
                (
                    f"Năm {year - 1}, toàn tỉnh đã {m}, được nhân dân đồng tình hưởng ứng. "
                    + rng.choice(extra),
                    f"Đề nghị các đồng chí bí thư cấp ủy trực tiếp chỉ đạo việc {m}. "
                    + rng.choice(extra),
                    rng.choice(extra) + f" Đặc biệt chú trọng {m}.",
                )
            ),
        )
    # Trim whole trailing filler paragraphs past the drawn length, never under 150 words.
    while _words(paragraphs) > want and _words(paragraphs[:-1]) >= max(150, want - 40):
        if len(paragraphs) < 6:
            break
        paragraphs.pop(-2)
    subject = rng.choice(
        (
            f"Về việc {rng.choice(('triển khai', 'tăng cường', 'đẩy mạnh', 'thực hiện'))} {topic.name} năm {year}",
            f"{kind} {topic.name} năm {year}",
            f"V/v {rng.choice(('báo cáo kết quả', 'tổ chức thực hiện', 'hướng dẫn'))} {topic.name}",
        )
    )
    if kind == "Quy chế":
        subject = f"Quy chế phối hợp về {topic.name}"
    elif kind == "Quyết định":
        subject = f"Quyết định thành lập Ban Chỉ đạo {topic.name} năm {year}"
    header = f"{issuer.upper()}\n{kind.upper()}\n{subject}"
    footer = f"{position}\n{signer}"
    text = "\n\n".join([header, *paragraphs, footer])
    return Generated(
        kind=kind,
        topic=topic,
        subject=subject,
        text=text,
        issuer=issuer,
        signer_position=position,
        signer_name=signer,
        year=year,
        deadline=deadline,
        notation=NOTATION[kind],
    )


# --- Questions ---------------------------------------------------------------------------------

ACCENTED = (
    "Hạn gửi báo cáo kết quả {name} là ngày nào?",
    "Cơ quan nào chủ trì {name}?",
    "Kinh phí thực hiện {name} được bảo đảm từ nguồn nào?",
    "Mục tiêu về {name} năm {year} là gì?",
    "Những nhiệm vụ trọng tâm về {name} gồm những gì?",
    "Quy chế phối hợp về {name} áp dụng cho đối tượng nào?",
    "Ban Chỉ đạo {name} có nhiệm vụ gì?",
)
PARAPHRASED = (
    "Khi nào phải nộp báo cáo về {short}?",
    "Ai lo việc {short} ở tỉnh?",
    "Tiền đâu để làm {short}?",
    "Năm {year} phấn đấu đạt chỉ tiêu gì về {short}?",
    "Cần làm những việc gì cho {short}?",
    "Ai phải thực hiện quy chế về {short}?",
)


def questions(n: int = 200, seed: int = 7) -> list[dict[str, str]]:
    """`n` questions: about 40% accented, 30% the same without diacritics, 30% paraphrased."""
    rng = random.Random(seed)
    out: list[dict[str, str]] = []
    while len(out) < n:
        topic = rng.choice(TOPICS)
        year = str(rng.choice(YEARS))
        r = rng.random()
        if r < 0.4:
            q = rng.choice(ACCENTED).format(name=topic.name, year=year)
            out.append({"kind": "accented", "q": q, "topic": topic.name})
        elif r < 0.7:
            q = fold(rng.choice(ACCENTED).format(name=topic.name, year=year))
            out.append({"kind": "unaccented", "q": q, "topic": topic.name})
        else:
            q = rng.choice(PARAPHRASED).format(short=topic.short, year=year)
            if rng.random() < 0.3:
                q = fold(q)
            out.append({"kind": "paraphrased", "q": q, "topic": topic.name})
    return out
