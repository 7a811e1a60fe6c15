// Package calendar owns business time in kpidesk: a team's time zone, weekly
// working hours, holidays and adjusted working days, and the arithmetic that
// turns wall-clock instants into business durations and deadlines
// (SPEC §3, §13.1, §13.3).
//
// # Rules
//
// Business time is the overlap of [start, end) with the calendar's working
// intervals (SPEC §13.3):
//
//   - Working spans are local wall-clock minutes of a weekday, such as
//     09:00–12:00 and 13:30–18:00. A weekday without spans is a day off.
//   - A holiday has no working time even on a weekday.
//   - An adjusted working day (调休: a Saturday or Sunday declared a working
//     day) follows the hours of Spec.AdjustedDay, Monday by default.
//   - An instant outside working hours contributes nothing before the next
//     opening, and end ≤ start gives 0.
//   - A 24x7 calendar (Spec.Always, TwentyFourSeven) counts every instant:
//     Between(a, b) == b − a.
//
// Add is the inverse of Between: Add(start, d) is the earliest instant t
// with Between(start, t) == d, so a deadline that uses up the morning is
// 12:00, not 13:30. "N working days" is N × DailyWork of business time
// (AddWorkingDays), where DailyWork is Monday's working time, or the
// longest weekday's if Monday is off. Wall-clock deadlines ("24 h") are not
// this package's business: use time.Time.Add.
//
// LocalDate gives the civil date of an instant in the calendar's zone, which
// decides the period a complaint belongs to (SPEC §13.1):
// 2026-09-30T17:30Z is 2026-10-01 in Asia/Shanghai.
//
// # Time zones and DST
//
// Timestamps stay in UTC (or any zone); only the calendar converts them. Each
// span boundary of each local day is converted with time.Date in the
// calendar's location, so on a DST-change day a span keeps its wall-clock
// ends: 09:00–17:00 is still 8 hours, a 01:00–03:00 span is 1 hour on the
// spring-forward day in New York and 3 hours on the fall-back day. A
// boundary inside a skipped hour moves forward as time.Date normalises it.
//
// # Cost
//
// Between and Add never loop over minutes or days (SPEC §3). A calendar
// precomputes, per range of local years, the Unix instant of every working
// interval and the cumulative working time at its end; Between and Add are
// two binary searches each (25–60 ns, no allocation, on a 2025 server core). Tables are built
// lazily, grow at least twofold when a query falls outside them, and are
// published atomically, so a Calendar is safe for concurrent use by the
// scoring goroutines. Local years MinYear through MaxYear are covered;
// instants outside them count as working time.
//
// # Holidays
//
// Holidays("cn") returns the official mainland China schedule (2024–2026)
// with its adjusted working days; ParseICS reads days off from an iCalendar
// file. Both feed Spec.Holidays and Spec.Workdays.
package calendar
