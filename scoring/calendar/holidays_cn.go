package calendar

import "time"

// cnSchedule is the mainland China public holiday schedule with its
// adjusted working days (调休), transcribed from the State Council General
// Office notices 国务院办公厅关于…年部分节假日安排的通知:
//
//   - 2024: 国办发明电〔2023〕7号, issued 2023-10-25
//   - 2025: 国办发明电〔2024〕12号, issued 2024-11-12 (the first schedule
//     under the 2024 revision of 全国年节及纪念日放假办法, which added
//     New Year's Eve of the lunar calendar and 2 May)
//   - 2026: 国务院办公厅关于2026年部分节假日安排的通知, issued
//     2025-11-04 and published by Xinhua the same day
//
// Source: https://www.gov.cn/zhengce/ (search 部分节假日安排的通知). Every
// date below was checked against the published text of its notice.
// Days off that the notice describes as "与周末连休" (joined to a weekend)
// list only the weekday; ranges stated as "X至Y放假" list every day of the
// range.
var cnSchedule = schedule{
	holidays: []dateRange{
		// 2024
		{ymd(2024, 1, 1), ymd(2024, 1, 1)},   // 元旦
		{ymd(2024, 2, 10), ymd(2024, 2, 17)}, // 春节
		{ymd(2024, 4, 4), ymd(2024, 4, 6)},   // 清明节
		{ymd(2024, 5, 1), ymd(2024, 5, 5)},   // 劳动节
		{ymd(2024, 6, 10), ymd(2024, 6, 10)}, // 端午节
		{ymd(2024, 9, 15), ymd(2024, 9, 17)}, // 中秋节
		{ymd(2024, 10, 1), ymd(2024, 10, 7)}, // 国庆节

		// 2025
		{ymd(2025, 1, 1), ymd(2025, 1, 1)},   // 元旦
		{ymd(2025, 1, 28), ymd(2025, 2, 4)},  // 春节, 除夕 to 正月初七
		{ymd(2025, 4, 4), ymd(2025, 4, 6)},   // 清明节
		{ymd(2025, 5, 1), ymd(2025, 5, 5)},   // 劳动节
		{ymd(2025, 5, 31), ymd(2025, 6, 2)},  // 端午节
		{ymd(2025, 10, 1), ymd(2025, 10, 8)}, // 国庆节、中秋节

		// 2026
		{ymd(2026, 1, 1), ymd(2026, 1, 3)},   // 元旦
		{ymd(2026, 2, 15), ymd(2026, 2, 23)}, // 春节, 腊月二十八 to 正月初七
		{ymd(2026, 4, 4), ymd(2026, 4, 6)},   // 清明节
		{ymd(2026, 5, 1), ymd(2026, 5, 5)},   // 劳动节
		{ymd(2026, 6, 19), ymd(2026, 6, 21)}, // 端午节
		{ymd(2026, 9, 25), ymd(2026, 9, 27)}, // 中秋节
		{ymd(2026, 10, 1), ymd(2026, 10, 7)}, // 国庆节
	},
	workdays: []Date{
		// 2024
		ymd(2024, 2, 4),   // Sun, 春节
		ymd(2024, 2, 18),  // Sun, 春节
		ymd(2024, 4, 7),   // Sun, 清明节
		ymd(2024, 4, 28),  // Sun, 劳动节
		ymd(2024, 5, 11),  // Sat, 劳动节
		ymd(2024, 9, 14),  // Sat, 中秋节
		ymd(2024, 9, 29),  // Sun, 国庆节
		ymd(2024, 10, 12), // Sat, 国庆节

		// 2025
		ymd(2025, 1, 26),  // Sun, 春节
		ymd(2025, 2, 8),   // Sat, 春节
		ymd(2025, 4, 27),  // Sun, 劳动节
		ymd(2025, 9, 28),  // Sun, 国庆节
		ymd(2025, 10, 11), // Sat, 国庆节

		// 2026
		ymd(2026, 1, 4),   // Sun, 元旦
		ymd(2026, 2, 14),  // Sat, 春节
		ymd(2026, 2, 28),  // Sat, 春节
		ymd(2026, 5, 9),   // Sat, 劳动节
		ymd(2026, 9, 20),  // Sun, 国庆节
		ymd(2026, 10, 10), // Sat, 国庆节
	},
}

func ymd(y int, m time.Month, day int) Date { return Date{y, m, day} }
