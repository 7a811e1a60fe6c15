package calendar_test

import (
	"fmt"
	"time"

	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// office is a Beijing team working 09:00–12:00 and 13:30–18:00 on weekdays,
// on the official holiday schedule.
func office() *calendar.Calendar {
	holidays, workdays, err := calendar.Holidays("cn")
	if err != nil {
		panic(err)
	}
	spans := []calendar.Span{{Start: 9 * 60, End: 12 * 60}, {Start: 13*60 + 30, End: 18 * 60}}
	c, err := calendar.New(calendar.Spec{
		Name:     "beijing",
		TimeZone: "Asia/Shanghai",
		Hours: map[time.Weekday][]calendar.Span{
			time.Monday: spans, time.Tuesday: spans, time.Wednesday: spans,
			time.Thursday: spans, time.Friday: spans,
		},
		Holidays: holidays,
		Workdays: workdays,
	})
	if err != nil {
		panic(err)
	}
	return c
}

func ExampleCalendar_Between() {
	c := office()
	cst := c.Location()

	// Created the evening before the 2025 National Day holiday (1–8
	// October), answered the morning after it.
	created := time.Date(2025, 9, 30, 17, 0, 0, 0, cst)
	answered := time.Date(2025, 10, 9, 10, 0, 0, 0, cst)
	fmt.Println(c.Between(created, answered))

	// Created at 11:30, answered after lunch at 13:45.
	fmt.Println(c.Between(time.Date(2025, 3, 4, 11, 30, 0, 0, cst), time.Date(2025, 3, 4, 13, 45, 0, 0, cst)))
	// Output:
	// 2h0m0s
	// 45m0s
}

func ExampleCalendar_Add() {
	c := office()
	cst := c.Location()
	const layout = "Mon 2006-01-02 15:04"

	// A 4-hour business deadline for a complaint created late on Friday.
	created := time.Date(2025, 3, 7, 17, 30, 0, 0, cst)
	fmt.Println(c.Add(created, 4*time.Hour).Format(layout))

	// One hour from 11:00 ends at 12:00, not when the lunch break ends.
	fmt.Println(c.Add(time.Date(2025, 3, 4, 11, 0, 0, 0, cst), time.Hour).Format(layout))

	// "2 working days" is 2 × 7.5 h of business time.
	fmt.Println(c.AddWorkingDays(time.Date(2025, 9, 29, 10, 0, 0, 0, cst), 2).Format(layout))
	// Output:
	// Mon 2025-03-10 14:00
	// Tue 2025-03-04 12:00
	// Thu 2025-10-09 10:00
}
