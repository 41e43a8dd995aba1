"""Vietnamese text of the report workbook.

The workbook is an administrative document in Vietnamese (Decree 30/2020 style) whatever
language the app's screens use, so its wording lives here as constants rather than going
through ``tr()``. Screen and command-line messages still use ``tr()``.
"""

from __future__ import annotations

NATIONAL_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_2 = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BÁO CÁO KẾT QUẢ HƯỚNG DẪN NGƯỜI DÂN SỬ DỤNG DỊCH VỤ CÔNG TRỰC TUYẾN"
TITLE_CONSOLIDATED = "BÁO CÁO TỔNG HỢP KẾT QUẢ HƯỚNG DẪN NGƯỜI DÂN SỬ DỤNG DỊCH VỤ CÔNG TRỰC TUYẾN"
NUMBER_LINE = "Số:        /BC-"
ANNEX_OF = "(Phụ lục kèm theo Báo cáo số        /BC-{symbol})"
SECTION_FIGURES = "I. SỐ LIỆU CHỦ YẾU"
SECTION_REMARKS = "II. NHẬN XÉT"
CONSOLIDATED_OF = "Tổng hợp {n} đơn vị"
SECTION_OFFICES = "Số liệu tổng hợp từ {n} đơn vị: {names}."
SIGN_LEFT = "NGƯỜI LẬP BIỂU"
SIGN_RIGHT = "THỦ TRƯỞNG ĐƠN VỊ"
SIGN_LEFT_HINT = "(Ký, ghi rõ họ tên)"
SIGN_RIGHT_HINT = "(Ký tên, đóng dấu)"
RECIPIENTS = "Nơi nhận:"
RECIPIENT_ARCHIVE = "- Lưu: VT."
COL_INDICATOR = "Chỉ tiêu"
COL_CURRENT = "Kỳ này"
COL_PREVIOUS = "Kỳ trước"
COL_DELTA = "Tăng (+) / giảm (−)"
COL_DELTA_PCT = "Tỷ lệ tăng/giảm"
FOOTER = "&P / &N"
GENERATED = "Lập bằng counter_app {version} lúc {when}."
NOTE_COUNTING = (
    "Cách tính: mỗi lượt hướng dẫn được tính một lần trong tổng số lượt; một lượt có thể "
    "hướng dẫn nhiều thủ tục, khi đó mỗi thủ tục được tính một lần trong các bảng theo thủ "
    "tục, lĩnh vực và kết quả. Tỷ lệ nộp thành công = số TTHC nộp trực tuyến thành công / "
    "số lượt TTHC được hướng dẫn. Không tính các lượt đã hủy."
)
NOTE_PROCEDURE_COUNTING = (
    "Một lượt hướng dẫn có thể gồm nhiều thủ tục: mỗi thủ tục được tính một lần ở bảng "
    'này, nên tổng cột "Lượt TTHC" có thể lớn hơn số lượt hướng dẫn.'
)
NOTE_MULTI = "Một lượt có thể có nhiều nội dung hỗ trợ: tổng tỷ lệ có thể vượt 100%."
NOTE_BARRIERS = (
    "Xếp theo số lượt TTHC gặp vướng mắc; tỷ lệ tính trên số lượt TTHC chưa nộp trực "
    "tuyến được (chưa nộp được hoặc chuyển nộp tại quầy). Một thủ tục có thể gặp nhiều "
    "vướng mắc: tổng tỷ lệ có thể vượt 100%."
)
NOTE_DETAIL = (
    'Mỗi dòng là một thủ tục trong một lượt hướng dẫn. Cột "Tính lượt" bằng 1 ở '
    "dòng đầu của mỗi lượt: cộng cột này để đếm số lượt. Các cột nội dung hỗ trợ và "
    "vướng mắc: 1 = có, 0 = không. Không chứa thông tin cá nhân: số điện thoại, số "
    "giấy tờ và e-mail ghi trong ghi chú, mã hồ sơ đã được che."
)
NOT_RECORDED = "(Không ghi)"
NO_DATA = "(Không có số liệu trong kỳ)"
NO_PREVIOUS = "—"

KF_SESSIONS = "Số lượt hướng dẫn"
KF_INDIVIDUALS = "   Trong đó: cá nhân"
KF_ORGANISATIONS = "   Trong đó: tổ chức, doanh nghiệp"
KF_OTHER_APPLICANTS = "   Trong đó: không rõ, khác"
KF_PROCEDURES = "Số lượt thủ tục hành chính được hướng dẫn"
KF_SUBMITTED = "Số hồ sơ nộp trực tuyến thành công"
KF_SUBMITTED_FULL = "   Trong đó: DVC trực tuyến toàn trình"
KF_SUBMITTED_PARTIAL = "   Trong đó: DVC trực tuyến một phần"
KF_SUBMITTED_UNKNOWN = "   Trong đó: chưa rõ mức độ"
KF_SUCCESS_RATE = "Tỷ lệ nộp trực tuyến thành công"
KF_AVG_MINUTES = "Thời gian hướng dẫn trung bình (phút/lượt)"
KF_ELDERLY = "Tỷ lệ lượt hỗ trợ người cao tuổi"
KF_ETHNIC = "Tỷ lệ lượt hỗ trợ người dân tộc thiểu số"
KF_DISABILITY = "Tỷ lệ lượt hỗ trợ người khuyết tật"

COL_SESSIONS = "Số lượt"
COL_PROCEDURES = "Lượt TTHC"
COL_SUBMITTED = "Nộp thành công"
COL_NOT_SUBMITTED = "Chưa nộp được"
COL_REFERRED = "Chuyển nộp tại quầy"
COL_RATE = "Tỷ lệ thành công"
COL_SHARE = "Tỷ lệ"
COL_SHARE_NOT_SUBMITTED = "Tỷ lệ trên số TTHC chưa nộp được"
COL_WEEK = "Tuần"
COL_DAYS = "Các ngày"
COL_AVG_MINUTES = "Phút TB/lượt"
COL_PROC_CODE = "Mã TTHC"
COL_PROC_NAME = "Tên thủ tục hành chính"
COL_FIELD = "Lĩnh vực"
COL_ONLINE_LEVEL = "Mức độ DVC"
COL_OUTCOME = "Kết quả"
COL_DATE = "Ngày"
COL_WEEKDAY = "Thứ"
COL_HOUR = "Khung giờ"
COL_OFFICER = "Cán bộ"
COL_COUNTER = "Quầy"
COL_HELP = "Nội dung hỗ trợ"
COL_BARRIER = "Vướng mắc"
COL_CHANNEL = "Hình thức"
COL_PORTAL = "Cổng/ứng dụng"
COL_GROUP = "Nhóm đối tượng"
COL_VALUE = "Giá trị"
COL_ANSWER = "Trả lời"
COL_OFFICE_CODE = "Mã đơn vị"
COL_OFFICE = "Đơn vị"
COL_NO = "STT"

T_PROCEDURES = "Kết quả hướng dẫn theo thủ tục hành chính"
T_FIELDS = "Theo lĩnh vực"
T_OUTCOMES = "Theo kết quả"
T_DAYS = "Theo ngày"
T_WEEKDAYS = "Theo thứ trong tuần"
T_HOURS = "Theo khung giờ bắt đầu"
T_OFFICERS = "Theo cán bộ hướng dẫn"
T_COUNTERS = "Theo quầy"
T_HELP = "Theo nội dung hỗ trợ"
T_BARRIERS = "Vướng mắc khi chưa nộp trực tuyến được, xếp theo số lượt"
T_WEEKS = "Theo tuần"
T_CHANNELS = "Theo hình thức hướng dẫn"
T_PORTALS = "Theo cổng/ứng dụng sử dụng"
T_GROUPS = "Theo đối tượng"
T_SELF_RELIANCE = "Lần sau tự thực hiện được?"
T_SATISFACTION = "Mức độ hài lòng"
T_OFFICES = "Theo đơn vị"

GROUP_APPLICANT = "Loại đối tượng"
TRI_GROUPS = {
    "elderly": "Người cao tuổi",
    "ethnic_minority": "Người dân tộc thiểu số",
    "disability": "Người khuyết tật",
}
TRI_LABELS = {"yes": "Có", "no": "Không", "unknown": "Không rõ"}
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

SHEET_SUMMARY = "Tổng hợp"
# One table per sheet, so its column headers repeat on every printed page.
SHEET_PROCEDURES = "Theo thủ tục"
SHEET_FIELDS = "Theo lĩnh vực"
SHEET_OUTCOMES = "Theo kết quả"
SHEET_WEEKS = "Theo tuần"
SHEET_DAYS = "Theo ngày"
SHEET_WEEKDAYS = "Theo thứ"
SHEET_HOURS = "Theo khung giờ"
SHEET_OFFICERS = "Theo cán bộ"
SHEET_COUNTERS = "Theo quầy"
SHEET_HELP = "Nội dung hỗ trợ"
SHEET_BARRIERS = "Vướng mắc"
SHEET_CHANNELS = "Hình thức"
SHEET_PORTALS = "Cổng - ứng dụng"
SHEET_GROUPS = "Đối tượng"
SHEET_SELF_RELIANCE = "Tự thực hiện"
SHEET_SATISFACTION = "Hài lòng"
SHEET_CHARTS = "Biểu đồ"
SHEET_OFFICES = "Theo đơn vị"
SHEET_DETAIL = "Chi tiết"
SHEET_DATA = "Dữ liệu máy đọc"
# names of earlier versions, kept for callers: the sheet that now holds their first table
SHEET_TIME = SHEET_DAYS
SHEET_PEOPLE = SHEET_OFFICERS

CHART_DAYS = "Số lượt hướng dẫn theo ngày"
CHART_PROCEDURES = "10 thủ tục được hướng dẫn nhiều nhất (lượt TTHC)"
CHART_BARRIERS = "Vướng mắc thường gặp (lượt TTHC)"
COL_PROCEDURE = "Thủ tục"

DETAIL_HEADERS = (
    "STT",
    "Mã lượt",
    "Mã đơn vị",
    "Ngày",
    "Giờ",
    "Thứ",
    "Cán bộ",
    "Quầy",
    "Hình thức",
    "Cổng/ứng dụng",
    "Loại đối tượng",
    "Người cao tuổi",
    "Dân tộc thiểu số",
    "Người khuyết tật",
    "Số phút",
    "Tính lượt",
    "TT thủ tục",
    "Mã TTHC",
    "Tên thủ tục",
    "Lĩnh vực",
    "Mức độ DVC",
    "Kết quả",
    "Nộp thành công",
    "Mã hồ sơ",
    "Lần sau tự thực hiện",
    "Mức độ hài lòng",
    "Ghi chú",
)
HELP_PREFIX = "Hỗ trợ: "
BARRIER_PREFIX = "Vướng mắc: "
