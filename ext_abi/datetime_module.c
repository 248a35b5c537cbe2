/* The built-in `datetime` module: date, time, datetime, timedelta, tzinfo
 * and timezone with CPython 3.13's behaviour (values, reprs, error types
 * and messages), and the capsule "datetime.datetime_CAPI" that
 * PyDateTime_IMPORT (datetime.h) fetches, so extensions that make and read
 * dates (python-rapidjson, ciso8601, psycopg2, ujson-style serializers)
 * run unchanged.
 *
 * Written in C against the public C API only, as CPython's own
 * Modules/_datetimemodule.c is: the facts (layouts, calendar rules,
 * rounding, messages) are CPython's, the code is ours. The loader's table
 * of built-in modules (loader.cc) imports it by name.
 *
 * LIFETIME. The six types are static PyTypeObjects, readied once per
 * process (PyType_Ready puts their dicts on the runtime's static, immortal
 * side). Their class attributes (timedelta.max, date.min, timezone.utc,
 * ...) are objects in static storage (PyObject_HEAD_INIT makes them
 * immortal) under interned, immortal keys, so nothing of a runtime is
 * left in a type's dict when that runtime finalizes. The module object and
 * its capsule belong to the runtime that imported it and go with
 * Py_FinalizeEx; the next runtime imports a new module that hands out the
 * same table (PyDateTime_CAPI is a constant).
 *
 * THREAD SAFETY. Every object of these types is immutable after it is made
 * except its cached hash, which several threads may compute and store at
 * once: it is read and written with relaxed atomics (every writer stores
 * the same value; no other memory hangs on it). The once-per-process
 * set-up runs under a PyMutex (which detaches while it waits).
 *
 * Not provided (yet): pickling (__reduce__), timetuple / utctimetuple,
 * strptime, utcnow / utcfromtimestamp, the ISO week formats of
 * fromisoformat; isocalendar() returns a plain tuple (CPython's
 * IsoCalendarDate is a tuple subclass with named fields). */
#define _PY_DATETIME_IMPL
#include "Python.h"
#include "datetime.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

enum {
  kMinYear = 1,
  kMaxYear = 9999,
  kMaxOrdinal = 3652059, /* date(9999, 12, 31).toordinal() */
  kMaxDeltaDays = 999999999,
  kEpochOrdinal = 719163, /* date(1970, 1, 1).toordinal() */
};
static const long long kEpochSeconds = (long long)kEpochOrdinal * 86400;
static const long long kMaxFoldSeconds = 24 * 3600;

/* timezone: a fixed offset and an optional name (NULL: none). */
typedef struct {
  PyObject_HEAD
  PyObject* offset; /* a timedelta strictly within (-24h, 24h) */
  PyObject* name;   /* a str, or NULL */
} TimeZone;

static PyTypeObject DeltaType, TZInfoType, TimeZoneType, DateType, TimeType, DateTimeType;

#define DELTA_CHECK(o) PyObject_TypeCheck((o), &DeltaType)
#define DATE_CHECK(o) PyObject_TypeCheck((o), &DateType)
#define DATETIME_CHECK(o) PyObject_TypeCheck((o), &DateTimeType)
#define TIME_CHECK(o) PyObject_TypeCheck((o), &TimeType)
#define TZINFO_CHECK(o) PyObject_TypeCheck((o), &TZInfoType)
#define TIMEZONE_CHECK(o) PyObject_TypeCheck((o), &TimeZoneType)

#define D_DAYS(o) (((PyDateTime_Delta*)(o))->days)
#define D_SECONDS(o) (((PyDateTime_Delta*)(o))->seconds)
#define D_US(o) (((PyDateTime_Delta*)(o))->microseconds)

#define YEAR(o) PyDateTime_GET_YEAR(o)
#define MONTH(o) PyDateTime_GET_MONTH(o)
#define DAY(o) PyDateTime_GET_DAY(o)
#define DT_HOUR(o) PyDateTime_DATE_GET_HOUR(o)
#define DT_MINUTE(o) PyDateTime_DATE_GET_MINUTE(o)
#define DT_SECOND(o) PyDateTime_DATE_GET_SECOND(o)
#define DT_US(o) PyDateTime_DATE_GET_MICROSECOND(o)
#define DT_FOLD(o) PyDateTime_DATE_GET_FOLD(o)
#define DT_TZINFO(o) PyDateTime_DATE_GET_TZINFO(o)
#define T_HOUR(o) PyDateTime_TIME_GET_HOUR(o)
#define T_MINUTE(o) PyDateTime_TIME_GET_MINUTE(o)
#define T_SECOND(o) PyDateTime_TIME_GET_SECOND(o)
#define T_US(o) PyDateTime_TIME_GET_MICROSECOND(o)
#define T_FOLD(o) PyDateTime_TIME_GET_FOLD(o)
#define T_TZINFO(o) PyDateTime_TIME_GET_TZINFO(o)

/* ---- the cached hash ------------------------------------------------------ */

/* Memory ordering: relaxed both ways. The hash is a pure function of the
 * immutable fields; racing writers store the same value. */
static Py_hash_t load_hash(Py_hash_t* slot) { return __atomic_load_n(slot, __ATOMIC_RELAXED); }
static Py_hash_t store_hash(Py_hash_t* slot, Py_hash_t h) {
  if (h != -1) __atomic_store_n(slot, h, __ATOMIC_RELAXED);
  return h;
}

/* ---- the proleptic Gregorian calendar ---------------------------------- */

static const int kDaysInMonth[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
static const int kDaysBeforeMonth[13] = {0,   0,   31,  59,  90,  120, 151,
                                         181, 212, 243, 273, 304, 334};
static const char* const kDayNames[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char* const kMonthNames[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static int is_leap(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }
static int days_in_month(int y, int m) { return m == 2 && is_leap(y) ? 29 : kDaysInMonth[m]; }
static int days_before_month(int y, int m) { return kDaysBeforeMonth[m] + (m > 2 && is_leap(y)); }
/* Days in the years before y (y >= 1). */
static long long days_before_year(long long y) {
  long long p = y - 1;
  return p * 365 + p / 4 - p / 100 + p / 400;
}
/* date(y, m, d).toordinal(): 1 for 0001-01-01. */
static long long ymd_to_ord(int y, int m, int d) {
  return days_before_year(y) + days_before_month(y, m) + d;
}
/* The inverse, for 1 <= ord <= kMaxOrdinal. Counts whole 400-, 100-, 4-
 * and 1-year cycles, then the month from an estimate corrected once. */
static void ord_to_ymd(long long ord, int* y, int* m, int* d) {
  long long n = ord - 1;
  const long long n400 = n / 146097;
  n %= 146097;
  const long long n100 = n / 36524;
  n %= 36524;
  const long long n4 = n / 1461;
  n %= 1461;
  const long long n1 = n / 365;
  n %= 365;
  int year = (int)(n400 * 400 + n100 * 100 + n4 * 4 + n1 + 1);
  if (n1 == 4 || n100 == 4) { /* the last day of a leap cycle */
    *y = year - 1;
    *m = 12;
    *d = 31;
    return;
  }
  int month = (int)((n + 50) >> 5);
  int before = days_before_month(year, month);
  if (before > n) {
    month--;
    before = days_before_month(year, month);
  }
  *y = year;
  *m = month;
  *d = (int)(n - before + 1);
}
/* 0 = Monday. */
static int weekday_of(int y, int m, int d) { return (int)((ymd_to_ord(y, m, d) + 6) % 7); }

/* Floor division and the matching remainder. */
static long long floordiv_ll(long long a, long long b, long long* rem) {
  long long q = a / b, r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) {
    q--;
    r += b;
  }
  *rem = r;
  return q;
}

/* ---- argument checks (CPython's messages) -------------------------------- */

static int check_date_args(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) {
    PyErr_Format(PyExc_ValueError, "year %i is out of range", year);
    return -1;
  }
  if (month < 1 || month > 12) {
    PyErr_SetString(PyExc_ValueError, "month must be in 1..12");
    return -1;
  }
  if (day < 1 || day > days_in_month(year, month)) {
    PyErr_SetString(PyExc_ValueError, "day is out of range for month");
    return -1;
  }
  return 0;
}

static int check_time_args(int h, int m, int s, int us, int fold) {
  if (h < 0 || h > 23) {
    PyErr_SetString(PyExc_ValueError, "hour must be in 0..23");
    return -1;
  }
  if (m < 0 || m > 59) {
    PyErr_SetString(PyExc_ValueError, "minute must be in 0..59");
    return -1;
  }
  if (s < 0 || s > 59) {
    PyErr_SetString(PyExc_ValueError, "second must be in 0..59");
    return -1;
  }
  if (us < 0 || us > 999999) {
    PyErr_SetString(PyExc_ValueError, "microsecond must be in 0..999999");
    return -1;
  }
  if (fold != 0 && fold != 1) {
    PyErr_SetString(PyExc_ValueError, "fold must be either 0 or 1");
    return -1;
  }
  return 0;
}

static int check_tzinfo_subclass(PyObject* p) {
  if (p == Py_None || TZINFO_CHECK(p)) return 0;
  PyErr_Format(PyExc_TypeError,
               "tzinfo argument must be None or of a tzinfo subclass, not type '%s'",
               Py_TYPE(p)->tp_name);
  return -1;
}

static PyObject* diff_to_bool(long long diff, int op) {
  int r = 0;
  switch (op) {
    case Py_LT: r = diff < 0; break;
    case Py_LE: r = diff <= 0; break;
    case Py_EQ: r = diff == 0; break;
    case Py_NE: r = diff != 0; break;
    case Py_GT: r = diff > 0; break;
    case Py_GE: r = diff >= 0; break;
  }
  return PyBool_FromLong(r);
}

/* ---- constructors ---------------------------------------------------------- */

/* A timedelta of type `type` from parts of any size (normalised here);
 * OverflowError past kMaxDeltaDays. */
static PyObject* make_delta(long long days, long long seconds, long long us, PyTypeObject* type) {
  long long rem;
  seconds += floordiv_ll(us, 1000000, &rem);
  us = rem;
  days += floordiv_ll(seconds, 86400, &rem);
  seconds = rem;
  if (days < -kMaxDeltaDays || days > kMaxDeltaDays) {
    PyErr_Format(PyExc_OverflowError, "days=%d; must have magnitude <= %d", (int)days,
                 kMaxDeltaDays);
    return NULL;
  }
  PyDateTime_Delta* self = (PyDateTime_Delta*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->hashcode = -1;
  self->days = (int)days;
  self->seconds = (int)seconds;
  self->microseconds = (int)us;
  return (PyObject*)self;
}

static PyObject* new_delta(long long days, long long seconds, long long us) {
  return make_delta(days, seconds, us, &DeltaType);
}

/* The C API's Delta_FromDelta. With normalize 0 CPython stores the parts
 * as given (the caller promises they are in range); normalising parts
 * that are in range changes nothing, and out-of-range ones are made
 * valid instead of stored broken. */
static PyObject* capi_delta(int days, int seconds, int us, int normalize, PyTypeObject* type) {
  (void)normalize;
  return make_delta(days, seconds, us, type);
}

static PyObject* new_date_ex(int year, int month, int day, PyTypeObject* type) {
  if (check_date_args(year, month, day) < 0) return NULL;
  PyDateTime_Date* self = (PyDateTime_Date*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->hashcode = -1;
  self->hastzinfo = 0;
  self->data[0] = (unsigned char)(year >> 8);
  self->data[1] = (unsigned char)(year & 0xff);
  self->data[2] = (unsigned char)month;
  self->data[3] = (unsigned char)day;
  return (PyObject*)self;
}

static void set_time_fields(unsigned char* data, int h, int m, int s, int us) {
  data[0] = (unsigned char)h;
  data[1] = (unsigned char)m;
  data[2] = (unsigned char)s;
  data[3] = (unsigned char)((us >> 16) & 0xff);
  data[4] = (unsigned char)((us >> 8) & 0xff);
  data[5] = (unsigned char)(us & 0xff);
}

static PyObject* new_datetime_ex2(int year, int month, int day, int hour, int minute, int second,
                                  int us, PyObject* tzinfo, int fold, PyTypeObject* type) {
  if (check_date_args(year, month, day) < 0 || check_time_args(hour, minute, second, us, fold) < 0 ||
      check_tzinfo_subclass(tzinfo) < 0) {
    return NULL;
  }
  PyDateTime_DateTime* self = (PyDateTime_DateTime*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->hashcode = -1;
  self->data[0] = (unsigned char)(year >> 8);
  self->data[1] = (unsigned char)(year & 0xff);
  self->data[2] = (unsigned char)month;
  self->data[3] = (unsigned char)day;
  set_time_fields(self->data + 4, hour, minute, second, us);
  self->fold = (unsigned char)fold;
  self->hastzinfo = tzinfo != Py_None;
  self->tzinfo = tzinfo != Py_None ? Py_NewRef(tzinfo) : NULL;
  return (PyObject*)self;
}

static PyObject* new_time_ex2(int hour, int minute, int second, int us, PyObject* tzinfo, int fold,
                              PyTypeObject* type) {
  if (check_time_args(hour, minute, second, us, fold) < 0 || check_tzinfo_subclass(tzinfo) < 0) {
    return NULL;
  }
  PyDateTime_Time* self = (PyDateTime_Time*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->hashcode = -1;
  set_time_fields(self->data, hour, minute, second, us);
  self->fold = (unsigned char)fold;
  self->hastzinfo = tzinfo != Py_None;
  self->tzinfo = tzinfo != Py_None ? Py_NewRef(tzinfo) : NULL;
  return (PyObject*)self;
}

/* Calls cls(*args) with fold=1 added when fold is set (a subclass's
 * __new__ may take other arguments, so it is called, not allocated). */
static PyObject* call_with_fold(PyObject* cls, int fold, PyObject* args) {
  if (args == NULL) return NULL;
  PyObject* kw = NULL;
  if (fold) {
    kw = Py_BuildValue("{s:i}", "fold", 1);
    if (kw == NULL) {
      Py_DECREF(args);
      return NULL;
    }
  }
  PyObject* r = PyObject_Call(cls, args, kw);
  Py_DECREF(args);
  Py_XDECREF(kw);
  return r;
}

/* A date of class cls: made directly for date (and datetime), else by
 * calling cls(year, month, day) as CPython does. */
static PyObject* new_date_subclass(int y, int m, int d, PyObject* cls) {
  if ((PyTypeObject*)cls == &DateType) return new_date_ex(y, m, d, &DateType);
  if ((PyTypeObject*)cls == &DateTimeType) {
    return new_datetime_ex2(y, m, d, 0, 0, 0, 0, Py_None, 0, &DateTimeType);
  }
  return PyObject_CallFunction(cls, "iii", y, m, d);
}

static PyObject* new_datetime_subclass(int y, int mo, int d, int h, int mi, int s, int us,
                                       PyObject* tz, int fold, PyObject* cls) {
  if ((PyTypeObject*)cls == &DateTimeType) {
    return new_datetime_ex2(y, mo, d, h, mi, s, us, tz, fold, &DateTimeType);
  }
  return call_with_fold(cls, fold, Py_BuildValue("(iiiiiiiO)", y, mo, d, h, mi, s, us, tz));
}

static PyObject* new_time_subclass(int h, int m, int s, int us, PyObject* tz, int fold,
                                   PyObject* cls) {
  if ((PyTypeObject*)cls == &TimeType) return new_time_ex2(h, m, s, us, tz, fold, &TimeType);
  return call_with_fold(cls, fold, Py_BuildValue("(iiiiO)", h, m, s, us, tz));
}

/* ---- class attributes in static storage ----------------------------------- */

#define STATIC_DELTA(d, s, us) {PyObject_HEAD_INIT(&DeltaType) - 1, (d), (s), (us)}
static PyDateTime_Delta g_delta_zero = STATIC_DELTA(0, 0, 0);
static PyDateTime_Delta g_delta_min = STATIC_DELTA(-kMaxDeltaDays, 0, 0);
static PyDateTime_Delta g_delta_max = STATIC_DELTA(kMaxDeltaDays, 86399, 999999);
static PyDateTime_Delta g_delta_us = STATIC_DELTA(0, 0, 1);
static PyDateTime_Delta g_delta_day = STATIC_DELTA(1, 0, 0);
static PyDateTime_Delta g_tz_min_offset = STATIC_DELTA(-1, 60, 0);
static PyDateTime_Delta g_tz_max_offset = STATIC_DELTA(0, 86340, 0);

#define STATIC_TIMEZONE(offset) {PyObject_HEAD_INIT(&TimeZoneType)(PyObject*)(offset), NULL}
static TimeZone g_utc = STATIC_TIMEZONE(&g_delta_zero);
static TimeZone g_tz_min = STATIC_TIMEZONE(&g_tz_min_offset);
static TimeZone g_tz_max = STATIC_TIMEZONE(&g_tz_max_offset);

static PyDateTime_Date g_date_min = {PyObject_HEAD_INIT(&DateType) - 1, 0, {0, 1, 1, 1}};
static PyDateTime_Date g_date_max = {PyObject_HEAD_INIT(&DateType) - 1, 0, {9999 >> 8, 9999 & 0xff, 12, 31}};
static PyDateTime_Time g_time_min = {PyObject_HEAD_INIT(&TimeType) - 1, 0, {0, 0, 0, 0, 0, 0}, 0, NULL};
static PyDateTime_Time g_time_max = {
    PyObject_HEAD_INIT(&TimeType) - 1, 0, {23, 59, 59, 999999 >> 16, (999999 >> 8) & 0xff, 999999 & 0xff}, 0, NULL};
static PyDateTime_DateTime g_datetime_min = {
    PyObject_HEAD_INIT(&DateTimeType) - 1, 0, {0, 1, 1, 1, 0, 0, 0, 0, 0, 0}, 0, NULL};
static PyDateTime_DateTime g_datetime_max = {
    PyObject_HEAD_INIT(&DateTimeType) - 1,
    0,
    {9999 >> 8, 9999 & 0xff, 12, 31, 23, 59, 59, 999999 >> 16, (999999 >> 8) & 0xff, 999999 & 0xff},
    0,
    NULL};
/* 1970-01-01T00:00:00+00:00, for timestamp(). */
static PyDateTime_DateTime g_epoch = {
    PyObject_HEAD_INIT(&DateTimeType) - 1, 1, {1970 >> 8, 1970 & 0xff, 1, 1, 0, 0, 0, 0, 0, 0}, 0,
    (PyObject*)&g_utc};

/* ---- tzinfo calls, checked as CPython checks them ------------------------ */

/* tzinfo.<name>(arg) for utcoffset / dst: None or a timedelta strictly
 * within a day (a new reference), or NULL with an exception. */
static PyObject* call_tz_offset(PyObject* tzinfo, const char* name, PyObject* arg) {
  if (tzinfo == Py_None) Py_RETURN_NONE;
  PyObject* offset = PyObject_CallMethod(tzinfo, name, "O", arg);
  if (offset == NULL || offset == Py_None) return offset;
  if (!DELTA_CHECK(offset)) {
    PyErr_Format(PyExc_TypeError, "tzinfo.%s() must return None or timedelta, not '%.200s'",
                 name, Py_TYPE(offset)->tp_name);
    Py_DECREF(offset);
    return NULL;
  }
  if ((D_DAYS(offset) == -1 && D_SECONDS(offset) == 0 && D_US(offset) < 1) ||
      D_DAYS(offset) < -1 || D_DAYS(offset) >= 1) {
    Py_DECREF(offset);
    PyErr_SetString(PyExc_ValueError,
                    "offset must be a timedelta strictly between -timedelta(hours=24) and "
                    "timedelta(hours=24).");
    return NULL;
  }
  return offset;
}

static PyObject* call_utcoffset(PyObject* tzinfo, PyObject* arg) {
  return call_tz_offset(tzinfo, "utcoffset", arg);
}

static PyObject* call_tzname(PyObject* tzinfo, PyObject* arg) {
  if (tzinfo == Py_None) Py_RETURN_NONE;
  PyObject* r = PyObject_CallMethod(tzinfo, "tzname", "O", arg);
  if (r == NULL || r == Py_None || PyUnicode_Check(r)) return r;
  PyErr_Format(PyExc_TypeError, "tzinfo.tzname() must return None or a string, not '%s'",
               Py_TYPE(r)->tp_name);
  Py_DECREF(r);
  return NULL;
}

/* "+HH:MM[:SS[.ffffff]]" (sep ":") or "+HHMM[SS[.ffffff]]" (sep "") for
 * tzinfo.utcoffset(arg) into buf; "" for None. -1 with an exception. */
static int format_utcoffset(char* buf, size_t size, const char* sep, PyObject* tzinfo,
                            PyObject* arg) {
  buf[0] = '\0';
  PyObject* offset = call_utcoffset(tzinfo, arg);
  if (offset == NULL) return -1;
  if (offset == Py_None) {
    Py_DECREF(offset);
    return 0;
  }
  long long total = (long long)D_DAYS(offset) * 86400000000LL +
                    (long long)D_SECONDS(offset) * 1000000LL + D_US(offset);
  Py_DECREF(offset);
  char sign = '+';
  if (total < 0) {
    sign = '-';
    total = -total;
  }
  const int us = (int)(total % 1000000);
  const int secs = (int)(total / 1000000);
  const int h = secs / 3600, m = secs / 60 % 60, s = secs % 60;
  if (us) snprintf(buf, size, "%c%02d%s%02d%s%02d.%06d", sign, h, sep, m, sep, s, us);
  else if (s) snprintf(buf, size, "%c%02d%s%02d%s%02d", sign, h, sep, m, sep, s);
  else snprintf(buf, size, "%c%02d%s%02d", sign, h, sep, m);
  return 0;
}

/* ---- timedelta -------------------------------------------------------------- */

static PyObject* delta_to_us(PyObject* self) {
  PyObject* days = PyLong_FromLong(D_DAYS(self));
  if (days == NULL) return NULL;
  PyObject* per_day = PyLong_FromLongLong(86400000000LL);
  PyObject* x = per_day ? PyNumber_Multiply(days, per_day) : NULL;
  Py_DECREF(days);
  Py_XDECREF(per_day);
  if (x == NULL) return NULL;
  PyObject* rest = PyLong_FromLongLong((long long)D_SECONDS(self) * 1000000LL + D_US(self));
  PyObject* r = rest ? PyNumber_Add(x, rest) : NULL;
  Py_DECREF(x);
  Py_XDECREF(rest);
  return r;
}

/* A timedelta of type `type` from a microsecond count (a Python int). */
static PyObject* us_to_delta(PyObject* us, PyTypeObject* type) {
  PyObject* million = PyLong_FromLong(1000000);
  PyObject* t1 = million ? PyNumber_Divmod(us, million) : NULL;
  Py_XDECREF(million);
  if (t1 == NULL) return NULL;
  PyObject* day_secs = PyLong_FromLong(86400);
  PyObject* t2 = day_secs ? PyNumber_Divmod(PyTuple_GET_ITEM(t1, 0), day_secs) : NULL;
  Py_XDECREF(day_secs);
  if (t2 == NULL) {
    Py_DECREF(t1);
    return NULL;
  }
  const int micro = PyLong_AsInt(PyTuple_GET_ITEM(t1, 1));
  const int secs = PyLong_AsInt(PyTuple_GET_ITEM(t2, 1));
  const int days = PyLong_AsInt(PyTuple_GET_ITEM(t2, 0));
  Py_DECREF(t1);
  Py_DECREF(t2);
  if (PyErr_Occurred()) return NULL;
  return make_delta(days, secs, micro, type);
}

/* sofar + num * factor for one keyword of timedelta(); a float's
 * fraction below a microsecond goes to *leftover. */
static PyObject* accum(const char* tag, PyObject* sofar, PyObject* num, long long factor,
                       double* leftover) {
  if (PyLong_Check(num)) {
    PyObject* f = PyLong_FromLongLong(factor);
    PyObject* prod = f ? PyNumber_Multiply(num, f) : NULL;
    Py_XDECREF(f);
    if (prod == NULL) return NULL;
    PyObject* sum = PyNumber_Add(sofar, prod);
    Py_DECREF(prod);
    return sum;
  }
  if (PyFloat_Check(num)) {
    double whole;
    double frac = modf(PyFloat_AsDouble(num), &whole);
    PyObject* x = PyLong_FromDouble(whole);
    if (x == NULL) return NULL;
    PyObject* f = PyLong_FromLongLong(factor);
    PyObject* prod = f ? PyNumber_Multiply(x, f) : NULL;
    Py_DECREF(x);
    Py_XDECREF(f);
    if (prod == NULL) return NULL;
    PyObject* sum = PyNumber_Add(sofar, prod);
    Py_DECREF(prod);
    if (sum == NULL || frac == 0.0) return sum;
    /* The fraction times the factor, split again into whole microseconds
     * and what is left below one. */
    frac = modf((double)factor * frac, &whole);
    x = PyLong_FromDouble(whole);
    if (x == NULL) {
      Py_DECREF(sum);
      return NULL;
    }
    PyObject* r = PyNumber_Add(sum, x);
    Py_DECREF(sum);
    Py_DECREF(x);
    *leftover += frac;
    return r;
  }
  PyErr_Format(PyExc_TypeError, "unsupported type for timedelta %s component: %s", tag,
               Py_TYPE(num)->tp_name);
  return NULL;
}

static PyObject* delta_new(PyTypeObject* type, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"days",         "seconds", "microseconds", "milliseconds",
                             "minutes",      "hours",   "weeks",        NULL};
  PyObject* parts[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|OOOOOOO:__new__", keywords, &parts[0], &parts[1],
                                   &parts[2], &parts[3], &parts[4], &parts[5], &parts[6])) {
    return NULL;
  }
  /* Summed smallest unit first, as CPython does (the float leftovers add
   * up in the same order). */
  static const struct {
    int index;
    const char* tag;
    long long factor;
  } kOrder[7] = {
      {2, "microseconds", 1LL},       {3, "milliseconds", 1000LL},
      {1, "seconds", 1000000LL},      {4, "minutes", 60000000LL},
      {5, "hours", 3600000000LL},     {0, "days", 86400000000LL},
      {6, "weeks", 604800000000LL},
  };
  PyObject* x = PyLong_FromLong(0);
  double leftover = 0.0;
  for (int i = 0; i < 7 && x != NULL; i++) {
    PyObject* part = parts[kOrder[i].index];
    if (part == NULL) continue;
    PyObject* y = accum(kOrder[i].tag, x, part, kOrder[i].factor, &leftover);
    Py_DECREF(x);
    x = y;
  }
  if (x == NULL) return NULL;
  if (leftover != 0.0) {
    /* Round half to even, the evenness taken from the whole sum. */
    double whole_us = round(leftover);
    if (fabs(whole_us - leftover) == 0.5) {
      PyObject* one = PyLong_FromLong(1);
      PyObject* odd = one ? PyNumber_And(x, one) : NULL;
      Py_XDECREF(one);
      if (odd == NULL) {
        Py_DECREF(x);
        return NULL;
      }
      const int is_odd = PyObject_IsTrue(odd);
      Py_DECREF(odd);
      whole_us = 2.0 * round((leftover + is_odd) * 0.5) - is_odd;
    }
    PyObject* t = PyLong_FromDouble(whole_us);
    PyObject* y = t ? PyNumber_Add(x, t) : NULL;
    Py_XDECREF(t);
    Py_DECREF(x);
    x = y;
    if (x == NULL) return NULL;
  }
  PyObject* r = us_to_delta(x, type);
  Py_DECREF(x);
  return r;
}

static PyObject* delta_repr(PyObject* self) {
  char buf[128];
  size_t n = 0;
  buf[0] = '\0';
  if (D_DAYS(self)) n += snprintf(buf + n, sizeof buf - n, "days=%d", D_DAYS(self));
  if (D_SECONDS(self)) {
    n += snprintf(buf + n, sizeof buf - n, "%sseconds=%d", n ? ", " : "", D_SECONDS(self));
  }
  if (D_US(self)) {
    n += snprintf(buf + n, sizeof buf - n, "%smicroseconds=%d", n ? ", " : "", D_US(self));
  }
  if (n == 0) snprintf(buf, sizeof buf, "0");
  return PyUnicode_FromFormat("%s(%s)", Py_TYPE(self)->tp_name, buf);
}

static PyObject* delta_str(PyObject* self) {
  char buf[96];
  size_t n = 0;
  const int days = D_DAYS(self), secs = D_SECONDS(self), us = D_US(self);
  if (days) {
    n += snprintf(buf, sizeof buf, "%d day%s, ", days, (days == 1 || days == -1) ? "" : "s");
  }
  n += snprintf(buf + n, sizeof buf - n, "%d:%02d:%02d", secs / 3600, secs / 60 % 60, secs % 60);
  if (us) snprintf(buf + n, sizeof buf - n, ".%06d", us);
  return PyUnicode_FromString(buf);
}

static int delta_cmp(PyObject* a, PyObject* b) {
  long long d = (long long)D_DAYS(a) - D_DAYS(b);
  if (d == 0) d = (long long)D_SECONDS(a) - D_SECONDS(b);
  if (d == 0) d = (long long)D_US(a) - D_US(b);
  return d < 0 ? -1 : d > 0;
}

static PyObject* delta_richcompare(PyObject* self, PyObject* other, int op) {
  if (!DELTA_CHECK(other)) Py_RETURN_NOTIMPLEMENTED;
  return diff_to_bool(delta_cmp(self, other), op);
}

static Py_hash_t delta_hash(PyObject* self) {
  PyDateTime_Delta* d = (PyDateTime_Delta*)self;
  Py_hash_t h = load_hash(&d->hashcode);
  if (h != -1) return h;
  PyObject* t = Py_BuildValue("(iii)", d->days, d->seconds, d->microseconds);
  if (t == NULL) return -1;
  h = PyObject_Hash(t);
  Py_DECREF(t);
  return store_hash(&d->hashcode, h);
}

static PyObject* delta_add(PyObject* a, PyObject* b) {
  if (!DELTA_CHECK(a) || !DELTA_CHECK(b)) Py_RETURN_NOTIMPLEMENTED;
  return new_delta((long long)D_DAYS(a) + D_DAYS(b), (long long)D_SECONDS(a) + D_SECONDS(b),
                   (long long)D_US(a) + D_US(b));
}

static PyObject* delta_negative(PyObject* self) {
  return new_delta(-(long long)D_DAYS(self), -(long long)D_SECONDS(self), -(long long)D_US(self));
}

static PyObject* delta_positive(PyObject* self) {
  return new_delta(D_DAYS(self), D_SECONDS(self), D_US(self));
}

static PyObject* delta_abs(PyObject* self) {
  return D_DAYS(self) < 0 ? delta_negative(self) : delta_positive(self);
}

static PyObject* delta_subtract(PyObject* a, PyObject* b) {
  if (!DELTA_CHECK(a) || !DELTA_CHECK(b)) Py_RETURN_NOTIMPLEMENTED;
  return new_delta((long long)D_DAYS(a) - D_DAYS(b), (long long)D_SECONDS(a) - D_SECONDS(b),
                   (long long)D_US(a) - D_US(b));
}

static int delta_bool(PyObject* self) {
  return D_DAYS(self) != 0 || D_SECONDS(self) != 0 || D_US(self) != 0;
}

/* round(m / n) with ties to even, for Python ints (n != 0). */
static PyObject* divide_nearest(PyObject* m, PyObject* n) {
  PyObject* qr = PyNumber_Divmod(m, n);
  if (qr == NULL) return NULL;
  PyObject* q = Py_NewRef(PyTuple_GET_ITEM(qr, 0));
  PyObject* r = PyTuple_GET_ITEM(qr, 1);
  /* Compare 2r with n, signs taken into account: round up when
   * |2r| > |n|, or when equal and q is odd. */
  PyObject* two = PyLong_FromLong(2);
  PyObject* r2 = two ? PyNumber_Multiply(r, two) : NULL;
  Py_XDECREF(two);
  int cmp_gt = -1, cmp_eq = -1;
  if (r2 != NULL) {
    PyObject* zero = PyLong_FromLong(0);
    const int n_pos = PyObject_RichCompareBool(n, zero, Py_GT);
    Py_DECREF(zero);
    cmp_gt = PyObject_RichCompareBool(r2, n, n_pos ? Py_GT : Py_LT);
    cmp_eq = PyObject_RichCompareBool(r2, n, Py_EQ);
    Py_DECREF(r2);
  }
  int odd = 0;
  if (cmp_eq == 1) {
    PyObject* one = PyLong_FromLong(1);
    PyObject* bit = PyNumber_And(q, one);
    Py_DECREF(one);
    odd = bit != NULL && PyObject_IsTrue(bit);
    Py_XDECREF(bit);
  }
  Py_DECREF(qr);
  if (cmp_gt < 0 || cmp_eq < 0 || PyErr_Occurred()) {
    Py_DECREF(q);
    return NULL;
  }
  if (cmp_gt == 1 || (cmp_eq == 1 && odd)) {
    PyObject* one = PyLong_FromLong(1);
    PyObject* q1 = PyNumber_Add(q, one);
    Py_DECREF(one);
    Py_DECREF(q);
    q = q1;
  }
  return q;
}

/* A finite double as an exact ratio num/den of Python ints. */
static int float_as_ratio(double x, PyObject** num, PyObject** den) {
  if (isinf(x)) {
    PyErr_SetString(PyExc_OverflowError, "cannot convert Infinity to integer ratio");
    return -1;
  }
  if (isnan(x)) {
    PyErr_SetString(PyExc_ValueError, "cannot convert NaN to integer ratio");
    return -1;
  }
  int e;
  double m = frexp(x, &e);
  for (int i = 0; i < 300 && m != floor(m); i++) {
    m *= 2.0;
    e--;
  }
  *num = PyLong_FromDouble(m);
  *den = PyLong_FromLong(1);
  PyObject* shift = PyLong_FromLong(e < 0 ? -e : e);
  if (*num == NULL || *den == NULL || shift == NULL) goto fail;
  PyObject** target = e < 0 ? den : num;
  PyObject* shifted = PyNumber_Lshift(*target, shift);
  if (shifted == NULL) goto fail;
  Py_SETREF(*target, shifted);
  Py_DECREF(shift);
  return 0;
fail:
  Py_XDECREF(*num);
  Py_XDECREF(*den);
  Py_XDECREF(shift);
  return -1;
}

/* delta * (num/den) rounded half to even. */
static PyObject* delta_times_ratio(PyObject* delta, PyObject* num, PyObject* den) {
  PyObject* us = delta_to_us(delta);
  PyObject* prod = us ? PyNumber_Multiply(us, num) : NULL;
  Py_XDECREF(us);
  if (prod == NULL) return NULL;
  PyObject* q = divide_nearest(prod, den);
  Py_DECREF(prod);
  if (q == NULL) return NULL;
  PyObject* r = us_to_delta(q, &DeltaType);
  Py_DECREF(q);
  return r;
}

static PyObject* delta_times_float(PyObject* delta, PyObject* f, int divide) {
  PyObject *num, *den;
  if (float_as_ratio(PyFloat_AsDouble(f), &num, &den) < 0) return NULL;
  if (divide && PyObject_IsTrue(num) == 0) {
    Py_DECREF(num);
    Py_DECREF(den);
    PyErr_SetString(PyExc_ZeroDivisionError, "integer division or modulo by zero");
    return NULL;
  }
  PyObject* r = divide ? delta_times_ratio(delta, den, num) : delta_times_ratio(delta, num, den);
  Py_DECREF(num);
  Py_DECREF(den);
  return r;
}

static PyObject* delta_times_int(PyObject* delta, PyObject* n) {
  PyObject* us = delta_to_us(delta);
  PyObject* prod = us ? PyNumber_Multiply(us, n) : NULL;
  Py_XDECREF(us);
  if (prod == NULL) return NULL;
  PyObject* r = us_to_delta(prod, &DeltaType);
  Py_DECREF(prod);
  return r;
}

static PyObject* delta_multiply(PyObject* a, PyObject* b) {
  if (DELTA_CHECK(a)) {
    if (PyLong_Check(b)) return delta_times_int(a, b);
    if (PyFloat_Check(b)) return delta_times_float(a, b, 0);
  } else if (PyLong_Check(a)) {
    return delta_times_int(b, a);
  } else if (PyFloat_Check(a)) {
    return delta_times_float(b, a, 0);
  }
  Py_RETURN_NOTIMPLEMENTED;
}

/* op(a_us, b) for two deltas (b as microseconds) or a delta and an int. */
static PyObject* delta_us_binop(PyObject* a, PyObject* b, PyObject* (*op)(PyObject*, PyObject*),
                                int b_is_delta) {
  PyObject* x = delta_to_us(a);
  if (x == NULL) return NULL;
  PyObject* y = b_is_delta ? delta_to_us(b) : Py_NewRef(b);
  if (y == NULL) {
    Py_DECREF(x);
    return NULL;
  }
  PyObject* r = op(x, y);
  Py_DECREF(x);
  Py_DECREF(y);
  return r;
}

static PyObject* delta_floor_divide(PyObject* a, PyObject* b) {
  if (!DELTA_CHECK(a)) Py_RETURN_NOTIMPLEMENTED;
  if (DELTA_CHECK(b)) return delta_us_binop(a, b, PyNumber_FloorDivide, 1);
  if (PyLong_Check(b)) {
    PyObject* q = delta_us_binop(a, b, PyNumber_FloorDivide, 0);
    if (q == NULL) return NULL;
    PyObject* r = us_to_delta(q, &DeltaType);
    Py_DECREF(q);
    return r;
  }
  Py_RETURN_NOTIMPLEMENTED;
}

static PyObject* delta_true_divide(PyObject* a, PyObject* b) {
  if (!DELTA_CHECK(a)) Py_RETURN_NOTIMPLEMENTED;
  if (DELTA_CHECK(b)) return delta_us_binop(a, b, PyNumber_TrueDivide, 1);
  if (PyFloat_Check(b)) return delta_times_float(a, b, 1);
  if (PyLong_Check(b)) {
    if (PyObject_IsTrue(b) == 0) {
      PyErr_SetString(PyExc_ZeroDivisionError, "integer division or modulo by zero");
      return NULL;
    }
    PyObject* one = PyLong_FromLong(1);
    PyObject* r = one ? delta_times_ratio(a, one, b) : NULL;
    Py_XDECREF(one);
    return r;
  }
  Py_RETURN_NOTIMPLEMENTED;
}

static PyObject* delta_remainder(PyObject* a, PyObject* b) {
  if (!DELTA_CHECK(a) || !DELTA_CHECK(b)) Py_RETURN_NOTIMPLEMENTED;
  PyObject* r = delta_us_binop(a, b, PyNumber_Remainder, 1);
  if (r == NULL) return NULL;
  PyObject* d = us_to_delta(r, &DeltaType);
  Py_DECREF(r);
  return d;
}

static PyObject* delta_divmod(PyObject* a, PyObject* b) {
  if (!DELTA_CHECK(a) || !DELTA_CHECK(b)) Py_RETURN_NOTIMPLEMENTED;
  PyObject* qr = delta_us_binop(a, b, PyNumber_Divmod, 1);
  if (qr == NULL) return NULL;
  PyObject* d = us_to_delta(PyTuple_GET_ITEM(qr, 1), &DeltaType);
  PyObject* r = d ? Py_BuildValue("(ON)", PyTuple_GET_ITEM(qr, 0), d) : NULL;
  Py_DECREF(qr);
  return r;
}

static PyObject* delta_total_seconds(PyObject* self, PyObject* unused) {
  (void)unused;
  PyObject* us = delta_to_us(self);
  if (us == NULL) return NULL;
  PyObject* million = PyLong_FromLong(1000000);
  PyObject* r = million ? PyNumber_TrueDivide(us, million) : NULL;
  Py_DECREF(us);
  Py_XDECREF(million);
  return r;
}

static PyMemberDef delta_members[] = {
    {"days", Py_T_INT, offsetof(PyDateTime_Delta, days), Py_READONLY,
     "Number of days."},
    {"seconds", Py_T_INT, offsetof(PyDateTime_Delta, seconds), Py_READONLY,
     "Number of seconds (>= 0 and less than 1 day)."},
    {"microseconds", Py_T_INT, offsetof(PyDateTime_Delta, microseconds), Py_READONLY,
     "Number of microseconds (>= 0 and less than 1 second)."},
    {NULL, 0, 0, 0, NULL},
};

static PyMethodDef delta_methods[] = {
    {"total_seconds", delta_total_seconds, METH_NOARGS,
     "Total seconds in the duration."},
    {NULL, NULL, 0, NULL},
};

static PyNumberMethods delta_as_number = {
    .nb_add = delta_add,
    .nb_subtract = delta_subtract,
    .nb_multiply = delta_multiply,
    .nb_remainder = delta_remainder,
    .nb_divmod = delta_divmod,
    .nb_negative = delta_negative,
    .nb_positive = delta_positive,
    .nb_absolute = delta_abs,
    .nb_bool = delta_bool,
    .nb_floor_divide = delta_floor_divide,
    .nb_true_divide = delta_true_divide,
};

static PyTypeObject DeltaType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "datetime.timedelta",
    .tp_basicsize = sizeof(PyDateTime_Delta),
    .tp_repr = delta_repr,
    .tp_as_number = &delta_as_number,
    .tp_hash = delta_hash,
    .tp_str = delta_str,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Difference between two datetime values.",
    .tp_richcompare = delta_richcompare,
    .tp_methods = delta_methods,
    .tp_members = delta_members,
    .tp_new = delta_new,
};

/* ---- timestamps and the local time zone ----------------------------------- */

/* Seconds since 0001-01-01T00:00 of a proleptic Gregorian UTC time. */
static long long utc_to_seconds(int y, int m, int d, int hh, int mm, int ss) {
  return ((ymd_to_ord(y, m, d) * 24 + hh) * 60 + mm) * 60 + ss;
}

/* The local wall time at u (seconds as utc_to_seconds counts them), in the
 * same count; -1 with an exception. */
static long long local_seconds(long long u) {
  time_t t = (time_t)(u - kEpochSeconds);
  struct tm tm;
  if (localtime_r(&t, &tm) == NULL) {
    PyErr_SetFromErrno(PyExc_OSError);
    return -1;
  }
  const int year = tm.tm_year + 1900;
  if (year < kMinYear || year > kMaxYear) {
    PyErr_Format(PyExc_ValueError, "year %i is out of range", year);
    return -1;
  }
  return utc_to_seconds(year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The UTC instant (same count) whose local wall time is the given one,
 * PEP 495's way: two candidate offsets are found by probing a day apart;
 * fold picks between the two solutions in a repeated hour, and in a gap
 * (no solution) the one on the side fold names. */
static long long local_to_seconds(int y, int mo, int d, int h, int mi, int s, int fold) {
  const long long t = utc_to_seconds(y, mo, d, h, mi, s);
  long long lt = local_seconds(t);
  if (lt == -1) return -1;
  const long long a = lt - t;
  const long long u1 = t - a;
  const long long t1 = local_seconds(u1);
  if (t1 == -1) return -1;
  long long b;
  if (t1 == t) {
    const long long u2 = fold ? u1 + kMaxFoldSeconds : u1 - kMaxFoldSeconds;
    lt = local_seconds(u2);
    if (lt == -1) return -1;
    b = lt - u2;
    if (a == b) return u1;
  } else {
    b = t1 - u1;
  }
  const long long u2 = t - b;
  const long long t2 = local_seconds(u2);
  if (t2 == -1) return -1;
  if (t2 == t) return u2;
  if (t1 == t) return u1;
  return fold ? (u1 < u2 ? u1 : u2) : (u1 > u2 ? u1 : u2);
}

static double round_half_even(double x) {
  double r = round(x);
  if (fabs(x - r) == 0.5) r = 2.0 * round(x / 2.0);
  return r;
}

/* A timestamp (int or float) as whole seconds and microseconds, rounded
 * half to even (round_floor: seconds only, floored). */
static int timestamp_to_timet(PyObject* obj, time_t* sec, long* us, int round_floor) {
  if (PyFloat_Check(obj)) {
    const double d = PyFloat_AsDouble(obj);
    if (isnan(d)) {
      PyErr_SetString(PyExc_ValueError, "Invalid value NaN (not a number)");
      return -1;
    }
    double whole, frac;
    if (round_floor) {
      whole = floor(d);
      frac = 0.0;
    } else {
      frac = modf(d, &whole);
      frac = round_half_even(frac * 1e6);
      if (frac >= 1e6) {
        frac -= 1e6;
        whole += 1.0;
      } else if (frac < 0) {
        frac += 1e6;
        whole -= 1.0;
      }
    }
    if (!(whole >= -9223372036854775808.0 && whole < 9223372036854775808.0)) {
      PyErr_SetString(PyExc_OverflowError, "timestamp out of range for platform time_t");
      return -1;
    }
    *sec = (time_t)whole;
    if (us != NULL) *us = (long)frac;
    return 0;
  }
  long long v = PyLong_AsLongLong(obj);
  if (v == -1 && PyErr_Occurred()) {
    if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
      PyErr_SetString(PyExc_OverflowError, "timestamp out of range for platform time_t");
    }
    return -1;
  }
  *sec = (time_t)v;
  if (us != NULL) *us = 0;
  return 0;
}

static int time_t_to_tm(time_t t, int local, struct tm* tm) {
  if ((local ? localtime_r(&t, tm) : gmtime_r(&t, tm)) == NULL) {
    if (errno == EOVERFLOW || errno == 0) {
      PyErr_SetString(PyExc_OverflowError, "timestamp out of range for platform time_t");
    } else {
      PyErr_SetFromErrno(PyExc_OSError);
    }
    return -1;
  }
  return 0;
}

/* cls's datetime for t + us/1e6: local wall time when tzinfo is None
 * (fold found by probing), else UTC with tzinfo attached, then passed to
 * tzinfo.fromutc. */
static PyObject* datetime_from_timet_and_us(PyObject* cls, time_t t, long us, PyObject* tzinfo) {
  const int local = tzinfo == Py_None;
  struct tm tm;
  if (time_t_to_tm(t, local, &tm) < 0) return NULL;
  const int year = tm.tm_year + 1900, month = tm.tm_mon + 1, day = tm.tm_mday;
  const int hour = tm.tm_hour, minute = tm.tm_min;
  const int second = tm.tm_sec > 59 ? 59 : tm.tm_sec; /* a leap second */
  int fold = 0;
  if (local && year >= kMinYear && year <= kMaxYear) {
    const long long result = utc_to_seconds(year, month, day, hour, minute, second);
    long long probe = local_seconds(kEpochSeconds + (long long)t - kMaxFoldSeconds);
    if (probe == -1) return NULL;
    const long long transition = result - probe - kMaxFoldSeconds;
    if (transition < 0) {
      probe = local_seconds(kEpochSeconds + (long long)t + transition);
      if (probe == -1) return NULL;
      if (probe == result) fold = 1;
    }
  }
  PyObject* dt =
      new_datetime_subclass(year, month, day, hour, minute, second, (int)us, tzinfo, fold, cls);
  if (dt == NULL || tzinfo == Py_None) return dt;
  PyObject* r = PyObject_CallMethod(tzinfo, "fromutc", "O", dt);
  Py_DECREF(dt);
  return r;
}

/* timezone(timedelta(seconds=gmtoff), zone) for the local zone at t. */
static PyObject* new_timezone(PyObject* offset, PyObject* name);
static PyObject* local_timezone_at(long long t) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (time_t_to_tm(tt, 1, &tm) < 0) return NULL;
  PyObject* offset = new_delta(0, tm.tm_gmtoff, 0);
  if (offset == NULL) return NULL;
  PyObject* name = tm.tm_zone != NULL ? PyUnicode_DecodeLocale(tm.tm_zone, "surrogateescape")
                                      : NULL;
  if (name == NULL && PyErr_Occurred()) {
    Py_DECREF(offset);
    return NULL;
  }
  PyObject* tz = new_timezone(offset, name);
  Py_DECREF(offset);
  Py_XDECREF(name);
  return tz;
}

/* ---- tzinfo ------------------------------------------------------------------- */

static PyObject* tzinfo_nogo(const char* method) {
  PyErr_Format(PyExc_NotImplementedError, "a tzinfo subclass must implement %s()", method);
  return NULL;
}
static PyObject* tzinfo_tzname(PyObject* self, PyObject* dt) {
  (void)self, (void)dt;
  return tzinfo_nogo("tzname");
}
static PyObject* tzinfo_utcoffset(PyObject* self, PyObject* dt) {
  (void)self, (void)dt;
  return tzinfo_nogo("utcoffset");
}
static PyObject* tzinfo_dst(PyObject* self, PyObject* dt) {
  (void)self, (void)dt;
  return tzinfo_nogo("dst");
}

static PyObject* add_datetime_timedelta(PyObject* dt, PyObject* delta, int factor);

/* tzinfo.fromutc: the standard-time offset from utcoffset() - dst(), then
 * dst() again at the shifted time. */
static PyObject* tzinfo_fromutc(PyObject* self, PyObject* dt) {
  if (!DATETIME_CHECK(dt)) {
    PyErr_SetString(PyExc_TypeError, "fromutc: argument must be a datetime");
    return NULL;
  }
  if (DT_TZINFO(dt) != self) {
    PyErr_SetString(PyExc_ValueError, "fromutc: dt.tzinfo is not self");
    return NULL;
  }
  PyObject* off = call_utcoffset(self, dt);
  if (off == NULL) return NULL;
  if (off == Py_None) {
    Py_DECREF(off);
    PyErr_SetString(PyExc_ValueError, "fromutc: non-None utcoffset() result required");
    return NULL;
  }
  PyObject* dst = call_tz_offset(self, "dst", dt);
  if (dst == NULL || dst == Py_None) {
    Py_DECREF(off);
    if (dst != NULL) {
      Py_DECREF(dst);
      PyErr_SetString(PyExc_ValueError, "fromutc: non-None dst() result required");
    }
    return NULL;
  }
  PyObject* delta = delta_subtract(off, dst);
  Py_DECREF(off);
  Py_DECREF(dst);
  if (delta == NULL) return NULL;
  PyObject* shifted = add_datetime_timedelta(dt, delta, 1);
  Py_DECREF(delta);
  if (shifted == NULL) return NULL;
  dst = call_tz_offset(self, "dst", shifted);
  if (dst == NULL || dst == Py_None) {
    Py_DECREF(shifted);
    if (dst != NULL) {
      Py_DECREF(dst);
      PyErr_SetString(PyExc_ValueError, "fromutc: tz.dst() gave inconsistent results; cannot convert");
    }
    return NULL;
  }
  PyObject* r = add_datetime_timedelta(shifted, dst, 1);
  Py_DECREF(shifted);
  Py_DECREF(dst);
  return r;
}

static PyMethodDef tzinfo_methods[] = {
    {"tzname", tzinfo_tzname, METH_O, "datetime -> string name of time zone."},
    {"utcoffset", tzinfo_utcoffset, METH_O,
     "datetime -> timedelta showing offset from UTC, negative values indicating West of UTC"},
    {"dst", tzinfo_dst, METH_O, "datetime -> DST offset as timedelta positive east of UTC."},
    {"fromutc", tzinfo_fromutc, METH_O, "datetime in UTC -> datetime in local time."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TZInfoType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "datetime.tzinfo",
    .tp_basicsize = sizeof(PyDateTime_TZInfo),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Abstract base class for time zone info objects.",
    .tp_methods = tzinfo_methods,
    .tp_new = PyType_GenericNew,
};

/* ---- timezone ------------------------------------------------------------------ */

static int offset_out_of_range(PyObject* offset) {
  return (D_DAYS(offset) == -1 && D_SECONDS(offset) == 0 && D_US(offset) < 1) ||
         D_DAYS(offset) < -1 || D_DAYS(offset) >= 1;
}

static PyObject* create_timezone(PyObject* offset, PyObject* name) {
  TimeZone* self = (TimeZone*)TimeZoneType.tp_alloc(&TimeZoneType, 0);
  if (self == NULL) return NULL;
  self->offset = Py_NewRef(offset);
  self->name = name != NULL ? Py_NewRef(name) : NULL;
  return (PyObject*)self;
}

/* timezone(offset[, name]); timezone.utc for a zero offset and no name. */
static PyObject* new_timezone(PyObject* offset, PyObject* name) {
  if (offset == NULL || !DELTA_CHECK(offset)) {
    PyErr_Format(PyExc_TypeError, "timezone() argument 1 must be datetime.timedelta, not %s",
                 offset == NULL ? "NULL" : Py_TYPE(offset)->tp_name);
    return NULL;
  }
  if (name != NULL && !PyUnicode_Check(name)) {
    PyErr_Format(PyExc_TypeError, "timezone() argument 2 must be str, not %s",
                 Py_TYPE(name)->tp_name);
    return NULL;
  }
  if (name == NULL && !delta_bool(offset)) return Py_NewRef((PyObject*)&g_utc);
  if (offset_out_of_range(offset)) {
    PyErr_Format(PyExc_ValueError,
                 "offset must be a timedelta strictly between -timedelta(hours=24) and "
                 "timedelta(hours=24), not %R.",
                 offset);
    return NULL;
  }
  return create_timezone(offset, name);
}

static PyObject* timezone_new(PyTypeObject* type, PyObject* args, PyObject* kw) {
  (void)type;
  static char* keywords[] = {"offset", "name", NULL};
  PyObject *offset, *name = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O!|U:timezone", keywords, &DeltaType, &offset,
                                   &name)) {
    return NULL;
  }
  return new_timezone(offset, name);
}

static void timezone_dealloc(PyObject* self) {
  TimeZone* tz = (TimeZone*)self;
  Py_XDECREF(tz->offset);
  Py_XDECREF(tz->name);
  Py_TYPE(self)->tp_free(self);
}

static PyObject* timezone_richcompare(PyObject* self, PyObject* other, int op) {
  if (op != Py_EQ && op != Py_NE) Py_RETURN_NOTIMPLEMENTED;
  if (!TIMEZONE_CHECK(other)) Py_RETURN_NOTIMPLEMENTED;
  return delta_richcompare(((TimeZone*)self)->offset, ((TimeZone*)other)->offset, op);
}

static Py_hash_t timezone_hash(PyObject* self) { return delta_hash(((TimeZone*)self)->offset); }

static int check_dt_argument(PyObject* dt, const char* meth) {
  if (dt == Py_None || DATETIME_CHECK(dt)) return 0;
  PyErr_Format(PyExc_TypeError, "%s(dt) argument must be a datetime instance or None, not %.200s",
               meth, Py_TYPE(dt)->tp_name);
  return -1;
}

static PyObject* timezone_repr(PyObject* self) {
  TimeZone* tz = (TimeZone*)self;
  const char* type_name = Py_TYPE(self)->tp_name;
  if (self == (PyObject*)&g_utc) return PyUnicode_FromFormat("%s.utc", type_name);
  if (tz->name == NULL) return PyUnicode_FromFormat("%s(%R)", type_name, tz->offset);
  return PyUnicode_FromFormat("%s(%R, %R)", type_name, tz->offset, tz->name);
}

static PyObject* timezone_str(PyObject* self) {
  TimeZone* tz = (TimeZone*)self;
  if (tz->name != NULL) return Py_NewRef(tz->name);
  if (self == (PyObject*)&g_utc || !delta_bool(tz->offset)) return PyUnicode_FromString("UTC");
  long long total = (long long)D_DAYS(tz->offset) * 86400000000LL +
                    (long long)D_SECONDS(tz->offset) * 1000000LL + D_US(tz->offset);
  char sign = '+';
  if (total < 0) {
    sign = '-';
    total = -total;
  }
  const int us = (int)(total % 1000000);
  const int secs = (int)(total / 1000000);
  const int h = secs / 3600, m = secs / 60 % 60, s = secs % 60;
  if (us) return PyUnicode_FromFormat("UTC%c%02d:%02d:%02d.%06d", sign, h, m, s, us);
  if (s) return PyUnicode_FromFormat("UTC%c%02d:%02d:%02d", sign, h, m, s);
  return PyUnicode_FromFormat("UTC%c%02d:%02d", sign, h, m);
}

static PyObject* timezone_tzname(PyObject* self, PyObject* dt) {
  if (check_dt_argument(dt, "tzname") < 0) return NULL;
  return timezone_str(self);
}
static PyObject* timezone_utcoffset(PyObject* self, PyObject* dt) {
  if (check_dt_argument(dt, "utcoffset") < 0) return NULL;
  return Py_NewRef(((TimeZone*)self)->offset);
}
static PyObject* timezone_dst(PyObject* self, PyObject* dt) {
  (void)self;
  if (check_dt_argument(dt, "dst") < 0) return NULL;
  Py_RETURN_NONE;
}
static PyObject* timezone_fromutc(PyObject* self, PyObject* dt) {
  if (!DATETIME_CHECK(dt)) {
    PyErr_SetString(PyExc_TypeError, "fromutc: argument must be a datetime");
    return NULL;
  }
  if (DT_TZINFO(dt) != self) {
    PyErr_SetString(PyExc_ValueError, "fromutc: dt.tzinfo is not self");
    return NULL;
  }
  return add_datetime_timedelta(dt, ((TimeZone*)self)->offset, 1);
}

static PyMethodDef timezone_methods[] = {
    {"tzname", timezone_tzname, METH_O,
     "If name is specified when timezone is created, returns the name.  Otherwise returns "
     "offset as 'UTC(+|-)HH:MM'."},
    {"utcoffset", timezone_utcoffset, METH_O,
     "Return fixed offset."},
    {"dst", timezone_dst, METH_O, "Return None."},
    {"fromutc", timezone_fromutc, METH_O, "datetime in UTC -> datetime in local time."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TimeZoneType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "datetime.timezone",
    .tp_basicsize = sizeof(TimeZone),
    .tp_dealloc = timezone_dealloc,
    .tp_repr = timezone_repr,
    .tp_hash = timezone_hash,
    .tp_str = timezone_str,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Fixed offset from UTC implementation of tzinfo.",
    .tp_richcompare = timezone_richcompare,
    .tp_methods = timezone_methods,
    .tp_base = &TZInfoType,
    .tp_new = timezone_new,
};

/* ---- strftime ------------------------------------------------------------------ */

/* format with %z, %:z, %Z and %f filled in from the object (tzinfo called
 * with tzinfoarg), the rest passed to the C library's strftime over a
 * struct tm of the fields. */
static PyObject* wrap_strftime(PyObject* format, int y, int mo, int d, int h, int mi, int s, int us,
                               PyObject* tzinfo, PyObject* tzinfoarg) {
  Py_ssize_t flen;
  const char* fmt = PyUnicode_AsUTF8AndSize(format, &flen);
  if (fmt == NULL) return NULL;
  if ((Py_ssize_t)strlen(fmt) != flen) {
    PyErr_SetString(PyExc_ValueError, "embedded null character");
    return NULL;
  }
  size_t cap = (size_t)flen * 2 + 64, n = 0;
  char* out = PyMem_Malloc(cap);
  if (out == NULL) return PyErr_NoMemory();
  PyObject* result = NULL;
  for (Py_ssize_t i = 0; i < flen; i++) {
    char piece[64];
    const char* add = NULL;
    size_t add_len = 0;
    PyObject* zname = NULL;
    Py_ssize_t zlen = 0;
    if (fmt[i] == '%' && i + 1 < flen &&
        (fmt[i + 1] == 'z' || fmt[i + 1] == 'Z' || fmt[i + 1] == 'f' ||
         (fmt[i + 1] == ':' && i + 2 < flen && fmt[i + 2] == 'z'))) {
      const char c = fmt[i + 1];
      if (c == 'f') {
        snprintf(piece, sizeof piece, "%06d", us);
        add = piece;
      } else if (c == 'z' || c == ':') {
        if (format_utcoffset(piece, sizeof piece, c == ':' ? ":" : "", tzinfo, tzinfoarg) < 0) {
          goto done;
        }
        add = piece;
        if (c == ':') i++;
      } else {
        zname = call_tzname(tzinfo, tzinfoarg);
        if (zname == NULL) goto done;
        if (zname != Py_None) {
          add = PyUnicode_AsUTF8AndSize(zname, &zlen);
          add_len = (size_t)zlen;
          if (add == NULL) {
            Py_DECREF(zname);
            goto done;
          }
        } else {
          add = "";
        }
      }
      i++;
      if (add_len == 0) add_len = strlen(add);
    } else if (fmt[i] == '%' && i + 1 < flen) {
      piece[0] = '%';
      piece[1] = fmt[i + 1];
      add = piece;
      add_len = 2;
      i++;
    } else {
      piece[0] = fmt[i];
      add = piece;
      add_len = 1;
    }
    /* Room for the text, with each '%' of a tzname doubled. */
    if (n + add_len * 2 + 1 > cap) {
      cap = (n + add_len * 2 + 1) * 2;
      char* grown = PyMem_Realloc(out, cap);
      if (grown == NULL) {
        Py_XDECREF(zname);
        PyErr_NoMemory();
        goto done;
      }
      out = grown;
    }
    for (size_t k = 0; k < add_len; k++) {
      out[n++] = add[k];
      if (zname != NULL && add[k] == '%') out[n++] = '%';
    }
    Py_XDECREF(zname);
  }
  out[n] = '\0';
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  tm.tm_wday = (weekday_of(y, mo, d) + 1) % 7;
  tm.tm_yday = days_before_month(y, mo) + d - 1;
  tm.tm_isdst = -1;
  if (n == 0) {
    result = PyUnicode_FromString("");
    goto done;
  }
  for (size_t size = 256 + n * 4;; size *= 2) {
    char* buf = PyMem_Malloc(size);
    if (buf == NULL) {
      PyErr_NoMemory();
      goto done;
    }
    const size_t len = strftime(buf, size, out, &tm);
    if (len > 0 || size > 256 * (n + 1) * 4) {
      result = PyUnicode_DecodeLocaleAndSize(buf, (Py_ssize_t)len, "surrogateescape");
      PyMem_Free(buf);
      break;
    }
    PyMem_Free(buf);
  }
done:
  PyMem_Free(out);
  return result;
}

static PyObject* format_with(PyObject* self, PyObject* args, const char* meth) {
  PyObject* spec;
  if (!PyArg_ParseTuple(args, "U:__format__", &spec)) return NULL;
  if (PyUnicode_GetLength(spec) == 0) return PyObject_Str(self);
  return PyObject_CallMethod(self, meth, "O", spec);
}

static PyObject* date_format(PyObject* self, PyObject* args) {
  return format_with(self, args, "strftime");
}

/* ---- ISO 8601 parsing (the common formats) --------------------------------- */

/* n digits at p as an int, or -1. */
static int parse_digits(const char* p, const char* end, int n) {
  if (end - p < n) return -1;
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

/* YYYY-MM-DD or YYYYMMDD, the whole of [p, end); 0 or -1. */
static int parse_iso_date(const char* p, const char* end, int* y, int* m, int* d) {
  const Py_ssize_t len = end - p;
  if (len == 10 && p[4] == '-' && p[7] == '-') {
    *y = parse_digits(p, end, 4);
    *m = parse_digits(p + 5, end, 2);
    *d = parse_digits(p + 8, end, 2);
  } else if (len == 8) {
    *y = parse_digits(p, end, 4);
    *m = parse_digits(p + 4, end, 2);
    *d = parse_digits(p + 6, end, 2);
  } else {
    return -1;
  }
  return (*y < 0 || *m < 0 || *d < 0) ? -1 : 0;
}

/* HH[:MM[:SS[(.|,)f+]]] or HH[MM[SS[(.|,)f+]]]; stops at end or at a
 * time zone sign / 'Z' (*stop). 0 or -1. */
static int parse_iso_hms(const char* p, const char* end, int* h, int* m, int* s, int* us,
                         const char** stop) {
  *h = *m = *s = *us = 0;
  int* fields[3] = {h, m, s};
  int has_sep = -1;
  for (int i = 0; i < 3; i++) {
    if ((*fields[i] = parse_digits(p, end, 2)) < 0) return -1;
    p += 2;
    if (p == end || *p == '+' || *p == '-' || *p == 'Z') {
      *stop = p;
      return 0;
    }
    if (i < 2) {
      if (*p == ':') {
        if (has_sep == 0) return -1;
        has_sep = 1;
        p++;
      } else {
        if (has_sep == 1) return -1;
        has_sep = 0;
      }
    }
  }
  if (*p != '.' && *p != ',') return -1;
  p++;
  int digits = 0, frac = 0;
  while (p < end && *p >= '0' && *p <= '9') {
    if (digits < 6) frac = frac * 10 + (*p - '0');
    digits++;
    p++;
  }
  if (digits == 0) return -1;
  for (int k = digits; k < 6; k++) frac *= 10;
  *us = frac;
  *stop = p;
  return 0;
}

/* A time-of-day with an optional zone: [h, m, s, us, tzinfo or None]. */
static int parse_iso_time(const char* p, const char* end, int* h, int* m, int* s, int* us,
                          PyObject** tz) {
  const char* stop = end;
  *tz = Py_NewRef(Py_None);
  if (parse_iso_hms(p, end, h, m, s, us, &stop) < 0) return -1;
  if (stop == end) return 0;
  if (*stop == 'Z') {
    if (stop + 1 != end) return -1;
    Py_SETREF(*tz, Py_NewRef((PyObject*)&g_utc));
    return 0;
  }
  const int sign = *stop == '-' ? -1 : 1;
  int th, tm_, ts, tus;
  const char* tstop = end;
  if (parse_iso_hms(stop + 1, end, &th, &tm_, &ts, &tus, &tstop) < 0 || tstop != end) return -1;
  PyObject* offset = new_delta(0, sign * (th * 3600LL + tm_ * 60LL + ts), sign * (long long)tus);
  if (offset == NULL) return -2;
  PyObject* zone = new_timezone(offset, NULL);
  Py_DECREF(offset);
  if (zone == NULL) return -2;
  Py_SETREF(*tz, zone);
  return 0;
}

static const char* iso_text(PyObject* s, Py_ssize_t* len) {
  if (!PyUnicode_Check(s)) {
    PyErr_SetString(PyExc_TypeError, "fromisoformat: argument must be str");
    return NULL;
  }
  return PyUnicode_AsUTF8AndSize(s, len);
}

static PyObject* invalid_iso(PyObject* s) {
  if (!PyErr_Occurred()) PyErr_Format(PyExc_ValueError, "Invalid isoformat string: %R", s);
  return NULL;
}

/* ---- date ------------------------------------------------------------------------ */

static PyObject* date_new(PyTypeObject* type, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"year", "month", "day", NULL};
  int y, m, d;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "iii", keywords, &y, &m, &d)) return NULL;
  return new_date_ex(y, m, d, type);
}

static PyObject* date_year(PyObject* self, void* c) { (void)c; return PyLong_FromLong(YEAR(self)); }
static PyObject* date_month(PyObject* self, void* c) { (void)c; return PyLong_FromLong(MONTH(self)); }
static PyObject* date_day(PyObject* self, void* c) { (void)c; return PyLong_FromLong(DAY(self)); }

static PyGetSetDef date_getset[] = {
    {"year", date_year, NULL, NULL, NULL},
    {"month", date_month, NULL, NULL, NULL},
    {"day", date_day, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyObject* date_repr(PyObject* self) {
  return PyUnicode_FromFormat("%s(%d, %d, %d)", Py_TYPE(self)->tp_name, YEAR(self), MONTH(self),
                              DAY(self));
}

static PyObject* date_isoformat(PyObject* self, PyObject* unused) {
  (void)unused;
  return PyUnicode_FromFormat("%04d-%02d-%02d", YEAR(self), MONTH(self), DAY(self));
}

static PyObject* date_str(PyObject* self) { return PyObject_CallMethod(self, "isoformat", NULL); }

static PyObject* format_ctime(int y, int m, int d, int hh, int mm, int ss) {
  return PyUnicode_FromFormat("%s %s %2d %02d:%02d:%02d %04d", kDayNames[weekday_of(y, m, d)],
                              kMonthNames[m - 1], d, hh, mm, ss, y);
}

static PyObject* date_ctime(PyObject* self, PyObject* unused) {
  (void)unused;
  return format_ctime(YEAR(self), MONTH(self), DAY(self), 0, 0, 0);
}

static PyObject* date_strftime(PyObject* self, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"format", NULL};
  PyObject* format;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "U:strftime", keywords, &format)) return NULL;
  return wrap_strftime(format, YEAR(self), MONTH(self), DAY(self), 0, 0, 0, 0, Py_None, Py_None);
}

static PyObject* date_toordinal(PyObject* self, PyObject* unused) {
  (void)unused;
  return PyLong_FromLongLong(ymd_to_ord(YEAR(self), MONTH(self), DAY(self)));
}
static PyObject* date_weekday(PyObject* self, PyObject* unused) {
  (void)unused;
  return PyLong_FromLong(weekday_of(YEAR(self), MONTH(self), DAY(self)));
}
static PyObject* date_isoweekday(PyObject* self, PyObject* unused) {
  (void)unused;
  return PyLong_FromLong(weekday_of(YEAR(self), MONTH(self), DAY(self)) + 1);
}

/* The ordinal of the Monday of ISO week 1 of year. */
static long long iso_week1_monday(int year) {
  const long long first = ymd_to_ord(year, 1, 1);
  const long long wd = (first + 6) % 7;
  long long monday = first - wd;
  if (wd > 3) monday += 7;
  return monday;
}

static PyObject* date_isocalendar(PyObject* self, PyObject* unused) {
  (void)unused;
  int year = YEAR(self);
  const long long ord = ymd_to_ord(year, MONTH(self), DAY(self));
  long long week1 = iso_week1_monday(year);
  if (ord < week1) {
    year--;
    week1 = iso_week1_monday(year);
  } else if (year < kMaxYear && ord >= iso_week1_monday(year + 1)) {
    year++;
    week1 = iso_week1_monday(year);
  }
  const long long diff = ord - week1;
  return Py_BuildValue("(iii)", year, (int)(diff / 7 + 1), (int)(diff % 7 + 1));
}

static PyObject* date_replace(PyObject* self, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"year", "month", "day", NULL};
  int y = YEAR(self), m = MONTH(self), d = DAY(self);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|iii:replace", keywords, &y, &m, &d)) return NULL;
  if (check_date_args(y, m, d) < 0) return NULL;
  return new_date_subclass(y, m, d, (PyObject*)Py_TYPE(self));
}

static PyObject* date_fromtimestamp(PyObject* cls, PyObject* timestamp) {
  time_t t;
  if (timestamp_to_timet(timestamp, &t, NULL, 1) < 0) return NULL;
  struct tm tm;
  if (time_t_to_tm(t, 1, &tm) < 0) return NULL;
  return new_date_subclass(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, cls);
}

/* The wall clock as a float timestamp. */
static PyObject* time_now_float(void) {
  PyTime_t ns;
  if (PyTime_Time(&ns) < 0) return NULL;
  return PyFloat_FromDouble(PyTime_AsSecondsDouble(ns));
}

static PyObject* date_today(PyObject* cls, PyObject* unused) {
  (void)unused;
  PyObject* ts = time_now_float();
  if (ts == NULL) return NULL;
  PyObject* r = PyObject_CallMethod(cls, "fromtimestamp", "O", ts);
  Py_DECREF(ts);
  return r;
}

static PyObject* date_fromordinal(PyObject* cls, PyObject* args) {
  int ord;
  if (!PyArg_ParseTuple(args, "i:fromordinal", &ord)) return NULL;
  if (ord < 1) {
    PyErr_SetString(PyExc_ValueError, "ordinal must be >= 1");
    return NULL;
  }
  if (ord > kMaxOrdinal) {
    PyErr_Format(PyExc_ValueError, "year %i is out of range", 10000);
    return NULL;
  }
  int y, m, d;
  ord_to_ymd(ord, &y, &m, &d);
  return new_date_subclass(y, m, d, cls);
}

static PyObject* date_fromisoformat(PyObject* cls, PyObject* s) {
  Py_ssize_t len;
  const char* p = iso_text(s, &len);
  if (p == NULL) return NULL;
  int y, m, d;
  if (parse_iso_date(p, p + len, &y, &m, &d) < 0) return invalid_iso(s);
  return new_date_subclass(y, m, d, cls);
}

static PyObject* date_richcompare(PyObject* self, PyObject* other, int op) {
  /* date and datetime compare as unrelated classes (CPython 3.13). */
  if (DATE_CHECK(other) && !DATETIME_CHECK(other)) {
    return diff_to_bool(memcmp(((PyDateTime_Date*)self)->data, ((PyDateTime_Date*)other)->data,
                               _PyDateTime_DATE_DATASIZE),
                        op);
  }
  Py_RETURN_NOTIMPLEMENTED;
}

static Py_hash_t date_hash(PyObject* self) {
  PyDateTime_Date* d = (PyDateTime_Date*)self;
  Py_hash_t h = load_hash(&d->hashcode);
  if (h != -1) return h;
  return store_hash(&d->hashcode, _Py_HashBytes(d->data, _PyDateTime_DATE_DATASIZE));
}

/* date + delta days (negated when negate is set), of date's class. */
static PyObject* add_date_timedelta(PyObject* date, PyObject* delta, int negate) {
  const long long days = negate ? -(long long)D_DAYS(delta) : D_DAYS(delta);
  const long long ord = ymd_to_ord(YEAR(date), MONTH(date), DAY(date)) + days;
  if (ord < 1 || ord > kMaxOrdinal) {
    PyErr_SetString(PyExc_OverflowError, "date value out of range");
    return NULL;
  }
  int y, m, d;
  ord_to_ymd(ord, &y, &m, &d);
  return new_date_subclass(y, m, d, (PyObject*)Py_TYPE(date));
}

static PyObject* date_add(PyObject* a, PyObject* b) {
  if (DATETIME_CHECK(a) || DATETIME_CHECK(b)) Py_RETURN_NOTIMPLEMENTED;
  if (DATE_CHECK(a) && DELTA_CHECK(b)) return add_date_timedelta(a, b, 0);
  if (DELTA_CHECK(a) && DATE_CHECK(b)) return add_date_timedelta(b, a, 0);
  Py_RETURN_NOTIMPLEMENTED;
}

static PyObject* date_subtract(PyObject* a, PyObject* b) {
  if (DATETIME_CHECK(a) || DATETIME_CHECK(b)) Py_RETURN_NOTIMPLEMENTED;
  if (DATE_CHECK(a)) {
    if (DATE_CHECK(b)) {
      return new_delta(ymd_to_ord(YEAR(a), MONTH(a), DAY(a)) - ymd_to_ord(YEAR(b), MONTH(b), DAY(b)),
                       0, 0);
    }
    if (DELTA_CHECK(b)) return add_date_timedelta(a, b, 1);
  }
  Py_RETURN_NOTIMPLEMENTED;
}

static PyMethodDef date_methods[] = {
    {"fromtimestamp", date_fromtimestamp, METH_O | METH_CLASS,
     "Create a date from a POSIX timestamp."},
    {"fromordinal", date_fromordinal, METH_VARARGS | METH_CLASS,
     "int -> date corresponding to a proleptic Gregorian ordinal."},
    {"fromisoformat", date_fromisoformat, METH_O | METH_CLASS,
     "str -> Construct a date from a string in ISO 8601 format."},
    {"today", date_today, METH_NOARGS | METH_CLASS, "Current date or datetime:  same as "
     "self.__class__.fromtimestamp(time.time())."},
    {"ctime", date_ctime, METH_NOARGS, "Return ctime() style string."},
    {"strftime", (PyCFunction)(void (*)(void))date_strftime, METH_VARARGS | METH_KEYWORDS,
     "format -> strftime() style string."},
    {"__format__", date_format, METH_VARARGS, "Formats self with strftime."},
    {"isocalendar", date_isocalendar, METH_NOARGS,
     "Return a 3-tuple containing ISO year, week number, and weekday."},
    {"isoformat", date_isoformat, METH_NOARGS, "Return string in ISO 8601 format, YYYY-MM-DD."},
    {"isoweekday", date_isoweekday, METH_NOARGS,
     "Return the day of the week represented by the date.\nMonday == 1 ... Sunday == 7"},
    {"toordinal", date_toordinal, METH_NOARGS,
     "Return proleptic Gregorian ordinal.  January 1 of year 1 is day 1."},
    {"weekday", date_weekday, METH_NOARGS,
     "Return the day of the week represented by the date.\nMonday == 0 ... Sunday == 6"},
    {"replace", (PyCFunction)(void (*)(void))date_replace, METH_VARARGS | METH_KEYWORDS,
     "Return date with new specified fields."},
    {NULL, NULL, 0, NULL},
};

static PyNumberMethods date_as_number = {
    .nb_add = date_add,
    .nb_subtract = date_subtract,
};

static PyTypeObject DateType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "datetime.date",
    .tp_basicsize = sizeof(PyDateTime_Date),
    .tp_repr = date_repr,
    .tp_as_number = &date_as_number,
    .tp_hash = date_hash,
    .tp_str = date_str,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "date(year, month, day) --> date object",
    .tp_richcompare = date_richcompare,
    .tp_methods = date_methods,
    .tp_getset = date_getset,
    .tp_new = date_new,
};

/* ---- time ------------------------------------------------------------------------ */

static PyObject* time_new(PyTypeObject* type, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"hour", "minute", "second", "microsecond", "tzinfo", "fold", NULL};
  int h = 0, m = 0, s = 0, us = 0, fold = 0;
  PyObject* tz = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|iiiiO$i", keywords, &h, &m, &s, &us, &tz,
                                   &fold)) {
    return NULL;
  }
  return new_time_ex2(h, m, s, us, tz, fold, type);
}

static void time_dealloc(PyObject* self) {
  if (_PyDateTime_HAS_TZINFO(self)) Py_XDECREF(((PyDateTime_Time*)self)->tzinfo);
  Py_TYPE(self)->tp_free(self);
}

/* (time and datetime keep tzinfo at different offsets) */
static void datetime_dealloc(PyObject* self) {
  if (_PyDateTime_HAS_TZINFO(self)) Py_XDECREF(((PyDateTime_DateTime*)self)->tzinfo);
  Py_TYPE(self)->tp_free(self);
}

static PyObject* time_hour(PyObject* self, void* c) { (void)c; return PyLong_FromLong(T_HOUR(self)); }
static PyObject* time_minute(PyObject* self, void* c) { (void)c; return PyLong_FromLong(T_MINUTE(self)); }
static PyObject* time_second(PyObject* self, void* c) { (void)c; return PyLong_FromLong(T_SECOND(self)); }
static PyObject* time_microsecond(PyObject* self, void* c) { (void)c; return PyLong_FromLong(T_US(self)); }
static PyObject* time_tzinfo(PyObject* self, void* c) { (void)c; return Py_NewRef(T_TZINFO(self)); }
static PyObject* time_fold(PyObject* self, void* c) { (void)c; return PyLong_FromLong(T_FOLD(self)); }

static PyGetSetDef time_getset[] = {
    {"hour", time_hour, NULL, NULL, NULL},
    {"minute", time_minute, NULL, NULL, NULL},
    {"second", time_second, NULL, NULL, NULL},
    {"microsecond", time_microsecond, NULL, NULL, NULL},
    {"tzinfo", time_tzinfo, NULL, NULL, NULL},
    {"fold", time_fold, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyObject* time_repr(PyObject* self) {
  char base[160];
  const char* name = Py_TYPE(self)->tp_name;
  const int h = T_HOUR(self), m = T_MINUTE(self), s = T_SECOND(self), us = T_US(self);
  if (us) snprintf(base, sizeof base, "%s(%d, %d, %d, %d", name, h, m, s, us);
  else if (s) snprintf(base, sizeof base, "%s(%d, %d, %d", name, h, m, s);
  else snprintf(base, sizeof base, "%s(%d, %d", name, h, m);
  const char* fold = T_FOLD(self) ? ", fold=1" : "";
  if (T_TZINFO(self) != Py_None) {
    return PyUnicode_FromFormat("%s, tzinfo=%R%s)", base, T_TZINFO(self), fold);
  }
  return PyUnicode_FromFormat("%s%s)", base, fold);
}

/* "HH:MM..." for timespec into buf; -1 with ValueError. */
static int format_hms(char* buf, size_t size, int h, int m, int s, int us, const char* spec) {
  if (strcmp(spec, "auto") == 0) spec = us ? "microseconds" : "seconds";
  if (strcmp(spec, "hours") == 0) snprintf(buf, size, "%02d", h);
  else if (strcmp(spec, "minutes") == 0) snprintf(buf, size, "%02d:%02d", h, m);
  else if (strcmp(spec, "seconds") == 0) snprintf(buf, size, "%02d:%02d:%02d", h, m, s);
  else if (strcmp(spec, "milliseconds") == 0) {
    snprintf(buf, size, "%02d:%02d:%02d.%03d", h, m, s, us / 1000);
  } else if (strcmp(spec, "microseconds") == 0) {
    snprintf(buf, size, "%02d:%02d:%02d.%06d", h, m, s, us);
  } else {
    PyErr_SetString(PyExc_ValueError, "Unknown timespec value");
    return -1;
  }
  return 0;
}

static PyObject* time_isoformat(PyObject* self, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"timespec", NULL};
  const char* spec = "auto";
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|s:isoformat", keywords, &spec)) return NULL;
  char hms[64], off[64];
  if (format_hms(hms, sizeof hms, T_HOUR(self), T_MINUTE(self), T_SECOND(self), T_US(self), spec) <
          0 ||
      format_utcoffset(off, sizeof off, ":", T_TZINFO(self), Py_None) < 0) {
    return NULL;
  }
  return PyUnicode_FromFormat("%s%s", hms, off);
}

static PyObject* time_str(PyObject* self) { return PyObject_CallMethod(self, "isoformat", NULL); }

static PyObject* time_utcoffset(PyObject* self, PyObject* unused) {
  (void)unused;
  return call_utcoffset(T_TZINFO(self), Py_None);
}
static PyObject* time_dst(PyObject* self, PyObject* unused) {
  (void)unused;
  return call_tz_offset(T_TZINFO(self), "dst", Py_None);
}
static PyObject* time_tzname(PyObject* self, PyObject* unused) {
  (void)unused;
  return call_tzname(T_TZINFO(self), Py_None);
}

static PyObject* time_strftime(PyObject* self, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"format", NULL};
  PyObject* format;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "U:strftime", keywords, &format)) return NULL;
  return wrap_strftime(format, 1900, 1, 1, T_HOUR(self), T_MINUTE(self), T_SECOND(self),
                       T_US(self), T_TZINFO(self), Py_None);
}

static PyObject* time_replace(PyObject* self, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"hour", "minute", "second", "microsecond", "tzinfo", "fold", NULL};
  int h = T_HOUR(self), m = T_MINUTE(self), s = T_SECOND(self), us = T_US(self);
  int fold = T_FOLD(self);
  PyObject* tz = T_TZINFO(self);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|iiiiO$i:replace", keywords, &h, &m, &s, &us, &tz,
                                   &fold)) {
    return NULL;
  }
  if (check_time_args(h, m, s, us, fold) < 0 || check_tzinfo_subclass(tz) < 0) return NULL;
  return new_time_subclass(h, m, s, us, tz, fold, (PyObject*)Py_TYPE(self));
}

static PyObject* time_fromisoformat(PyObject* cls, PyObject* s) {
  Py_ssize_t len;
  const char* p = iso_text(s, &len);
  if (p == NULL) return NULL;
  if (len > 0 && p[0] == 'T') p++, len--; /* an ISO time may start with T */
  int h, m, sec, us;
  PyObject* tz;
  const int rc = parse_iso_time(p, p + len, &h, &m, &sec, &us, &tz);
  if (rc < 0) {
    Py_DECREF(tz);
    return invalid_iso(s);
  }
  /* A field out of range is the constructor's error, as in CPython. */
  PyObject* r = new_time_subclass(h, m, sec, us, tz, 0, cls);
  Py_DECREF(tz);
  return r;
}

/* The time's UTC offset as a delta, None, or NULL. */
static PyObject* time_offset(PyObject* self) { return call_utcoffset(T_TZINFO(self), Py_None); }

static PyObject* time_richcompare(PyObject* self, PyObject* other, int op) {
  if (!TIME_CHECK(other)) Py_RETURN_NOTIMPLEMENTED;
  const unsigned char* a = ((PyDateTime_Time*)self)->data;
  const unsigned char* b = ((PyDateTime_Time*)other)->data;
  if (T_TZINFO(self) == T_TZINFO(other)) {
    return diff_to_bool(memcmp(a, b, _PyDateTime_TIME_DATASIZE), op);
  }
  PyObject* off1 = time_offset(self);
  if (off1 == NULL) return NULL;
  PyObject* off2 = time_offset(other);
  if (off2 == NULL) {
    Py_DECREF(off1);
    return NULL;
  }
  PyObject* r;
  if (off1 == off2 || (off1 != Py_None && off2 != Py_None && delta_cmp(off1, off2) == 0)) {
    r = diff_to_bool(memcmp(a, b, _PyDateTime_TIME_DATASIZE), op);
  } else if (off1 != Py_None && off2 != Py_None) {
    const long long s1 = T_HOUR(self) * 3600LL + T_MINUTE(self) * 60 + T_SECOND(self) -
                         D_DAYS(off1) * 86400LL - D_SECONDS(off1);
    const long long s2 = T_HOUR(other) * 3600LL + T_MINUTE(other) * 60 + T_SECOND(other) -
                         D_DAYS(off2) * 86400LL - D_SECONDS(off2);
    long long diff = s1 - s2;
    if (diff == 0) diff = (long long)T_US(self) - T_US(other);
    r = diff_to_bool(diff, op);
  } else if (op == Py_EQ) {
    r = Py_NewRef(Py_False);
  } else if (op == Py_NE) {
    r = Py_NewRef(Py_True);
  } else {
    PyErr_SetString(PyExc_TypeError, "can't compare offset-naive and offset-aware times");
    r = NULL;
  }
  Py_DECREF(off1);
  Py_DECREF(off2);
  return r;
}

static Py_hash_t time_hash(PyObject* self) {
  PyDateTime_Time* t = (PyDateTime_Time*)self;
  Py_hash_t h = load_hash(&t->hashcode);
  if (h != -1) return h;
  PyObject* offset = time_offset(self);
  if (offset == NULL) return -1;
  if (offset == Py_None) {
    h = _Py_HashBytes(t->data, _PyDateTime_TIME_DATASIZE);
  } else {
    /* Equal aware times hash alike: hash the UTC time as a delta. */
    PyObject* local = new_delta(0, T_HOUR(self) * 3600LL + T_MINUTE(self) * 60 + T_SECOND(self),
                                T_US(self));
    PyObject* utc = local ? delta_subtract(local, offset) : NULL;
    Py_XDECREF(local);
    h = utc ? PyObject_Hash(utc) : -1;
    Py_XDECREF(utc);
  }
  Py_DECREF(offset);
  return store_hash(&t->hashcode, h);
}

static PyMethodDef time_methods[] = {
    {"isoformat", (PyCFunction)(void (*)(void))time_isoformat, METH_VARARGS | METH_KEYWORDS,
     "Return string in ISO 8601 format, [HH[:MM[:SS[.mmm[uuu]]]]][+HH:MM]."},
    {"strftime", (PyCFunction)(void (*)(void))time_strftime, METH_VARARGS | METH_KEYWORDS,
     "format -> strftime() style string."},
    {"__format__", date_format, METH_VARARGS, "Formats self with strftime."},
    {"utcoffset", time_utcoffset, METH_NOARGS, "Return self.tzinfo.utcoffset(self)."},
    {"tzname", time_tzname, METH_NOARGS, "Return self.tzinfo.tzname(self)."},
    {"dst", time_dst, METH_NOARGS, "Return self.tzinfo.dst(self)."},
    {"replace", (PyCFunction)(void (*)(void))time_replace, METH_VARARGS | METH_KEYWORDS,
     "Return time with new specified fields."},
    {"fromisoformat", time_fromisoformat, METH_O | METH_CLASS,
     "string -> time from a string in ISO 8601 format"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TimeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "datetime.time",
    .tp_basicsize = sizeof(PyDateTime_Time),
    .tp_dealloc = time_dealloc,
    .tp_repr = time_repr,
    .tp_hash = time_hash,
    .tp_str = time_str,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "time([hour[, minute[, second[, microsecond[, tzinfo]]]]]) --> a time object",
    .tp_richcompare = time_richcompare,
    .tp_methods = time_methods,
    .tp_getset = time_getset,
    .tp_new = time_new,
};

/* ---- datetime ---------------------------------------------------------------------- */

static PyObject* datetime_new(PyTypeObject* type, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"year",   "month",       "day",    "hour", "minute",
                             "second", "microsecond", "tzinfo", "fold", NULL};
  int y, mo, d, h = 0, mi = 0, s = 0, us = 0, fold = 0;
  PyObject* tz = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "iii|iiiiO$i", keywords, &y, &mo, &d, &h, &mi, &s,
                                   &us, &tz, &fold)) {
    return NULL;
  }
  return new_datetime_ex2(y, mo, d, h, mi, s, us, tz, fold, type);
}

static PyObject* dt_hour(PyObject* self, void* c) { (void)c; return PyLong_FromLong(DT_HOUR(self)); }
static PyObject* dt_minute(PyObject* self, void* c) { (void)c; return PyLong_FromLong(DT_MINUTE(self)); }
static PyObject* dt_second(PyObject* self, void* c) { (void)c; return PyLong_FromLong(DT_SECOND(self)); }
static PyObject* dt_microsecond(PyObject* self, void* c) { (void)c; return PyLong_FromLong(DT_US(self)); }
static PyObject* dt_tzinfo(PyObject* self, void* c) { (void)c; return Py_NewRef(DT_TZINFO(self)); }
static PyObject* dt_fold(PyObject* self, void* c) { (void)c; return PyLong_FromLong(DT_FOLD(self)); }

static PyGetSetDef datetime_getset[] = {
    {"hour", dt_hour, NULL, NULL, NULL},
    {"minute", dt_minute, NULL, NULL, NULL},
    {"second", dt_second, NULL, NULL, NULL},
    {"microsecond", dt_microsecond, NULL, NULL, NULL},
    {"tzinfo", dt_tzinfo, NULL, NULL, NULL},
    {"fold", dt_fold, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyObject* datetime_repr(PyObject* self) {
  char base[200];
  const char* name = Py_TYPE(self)->tp_name;
  const int s = DT_SECOND(self), us = DT_US(self);
  if (us) {
    snprintf(base, sizeof base, "%s(%d, %d, %d, %d, %d, %d, %d", name, YEAR(self), MONTH(self),
             DAY(self), DT_HOUR(self), DT_MINUTE(self), s, us);
  } else if (s) {
    snprintf(base, sizeof base, "%s(%d, %d, %d, %d, %d, %d", name, YEAR(self), MONTH(self),
             DAY(self), DT_HOUR(self), DT_MINUTE(self), s);
  } else {
    snprintf(base, sizeof base, "%s(%d, %d, %d, %d, %d", name, YEAR(self), MONTH(self), DAY(self),
             DT_HOUR(self), DT_MINUTE(self));
  }
  const char* fold = DT_FOLD(self) ? ", fold=1" : "";
  if (DT_TZINFO(self) != Py_None) {
    return PyUnicode_FromFormat("%s%s, tzinfo=%R)", base, fold, DT_TZINFO(self));
  }
  return PyUnicode_FromFormat("%s%s)", base, fold);
}

static PyObject* datetime_isoformat(PyObject* self, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"sep", "timespec", NULL};
  int sep = 'T';
  const char* spec = "auto";
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|Cs:isoformat", keywords, &sep, &spec)) return NULL;
  char hms[64], off[64];
  if (format_hms(hms, sizeof hms, DT_HOUR(self), DT_MINUTE(self), DT_SECOND(self), DT_US(self),
                 spec) < 0 ||
      format_utcoffset(off, sizeof off, ":", DT_TZINFO(self), self) < 0) {
    return NULL;
  }
  return PyUnicode_FromFormat("%04d-%02d-%02d%c%s%s", YEAR(self), MONTH(self), DAY(self), sep, hms,
                              off);
}

static PyObject* datetime_str(PyObject* self) {
  return PyObject_CallMethod(self, "isoformat", "(s)", " ");
}

static PyObject* datetime_ctime(PyObject* self, PyObject* unused) {
  (void)unused;
  return format_ctime(YEAR(self), MONTH(self), DAY(self), DT_HOUR(self), DT_MINUTE(self),
                      DT_SECOND(self));
}

static PyObject* datetime_strftime(PyObject* self, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"format", NULL};
  PyObject* format;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "U:strftime", keywords, &format)) return NULL;
  return wrap_strftime(format, YEAR(self), MONTH(self), DAY(self), DT_HOUR(self), DT_MINUTE(self),
                       DT_SECOND(self), DT_US(self), DT_TZINFO(self), self);
}

static PyObject* datetime_utcoffset(PyObject* self, PyObject* unused) {
  (void)unused;
  return call_utcoffset(DT_TZINFO(self), self);
}
static PyObject* datetime_dst(PyObject* self, PyObject* unused) {
  (void)unused;
  return call_tz_offset(DT_TZINFO(self), "dst", self);
}
static PyObject* datetime_tzname(PyObject* self, PyObject* unused) {
  (void)unused;
  return call_tzname(DT_TZINFO(self), self);
}

static PyObject* datetime_getdate(PyObject* self, PyObject* unused) {
  (void)unused;
  return new_date_ex(YEAR(self), MONTH(self), DAY(self), &DateType);
}
static PyObject* datetime_gettime(PyObject* self, PyObject* unused) {
  (void)unused;
  return new_time_ex2(DT_HOUR(self), DT_MINUTE(self), DT_SECOND(self), DT_US(self), Py_None,
                      DT_FOLD(self), &TimeType);
}
static PyObject* datetime_gettimetz(PyObject* self, PyObject* unused) {
  (void)unused;
  return new_time_ex2(DT_HOUR(self), DT_MINUTE(self), DT_SECOND(self), DT_US(self),
                      DT_TZINFO(self), DT_FOLD(self), &TimeType);
}

static PyObject* datetime_replace(PyObject* self, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"year",   "month",       "day",    "hour", "minute",
                             "second", "microsecond", "tzinfo", "fold", NULL};
  int y = YEAR(self), mo = MONTH(self), d = DAY(self), h = DT_HOUR(self), mi = DT_MINUTE(self);
  int s = DT_SECOND(self), us = DT_US(self), fold = DT_FOLD(self);
  PyObject* tz = DT_TZINFO(self);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|iiiiiiiO$i:replace", keywords, &y, &mo, &d, &h, &mi,
                                   &s, &us, &tz, &fold)) {
    return NULL;
  }
  if (check_date_args(y, mo, d) < 0 || check_time_args(h, mi, s, us, fold) < 0 ||
      check_tzinfo_subclass(tz) < 0) {
    return NULL;
  }
  return new_datetime_subclass(y, mo, d, h, mi, s, us, tz, fold, (PyObject*)Py_TYPE(self));
}

/* dt + factor * delta, of dt's class, keeping tzinfo (fold 0). */
static PyObject* add_datetime_timedelta(PyObject* dt, PyObject* delta, int factor) {
  long long rem;
  long long us = DT_US(dt) + (long long)factor * D_US(delta);
  long long secs = DT_HOUR(dt) * 3600LL + DT_MINUTE(dt) * 60 + DT_SECOND(dt) +
                   (long long)factor * D_SECONDS(delta) + floordiv_ll(us, 1000000, &rem);
  us = rem;
  const long long ord = ymd_to_ord(YEAR(dt), MONTH(dt), DAY(dt)) + (long long)factor * D_DAYS(delta) +
                        floordiv_ll(secs, 86400, &rem);
  secs = rem;
  if (ord < 1 || ord > kMaxOrdinal) {
    PyErr_SetString(PyExc_OverflowError, "date value out of range");
    return NULL;
  }
  int y, m, d;
  ord_to_ymd(ord, &y, &m, &d);
  return new_datetime_subclass(y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
                               (int)us, DT_TZINFO(dt), 0, (PyObject*)Py_TYPE(dt));
}

static PyObject* datetime_add(PyObject* a, PyObject* b) {
  if (DATETIME_CHECK(a) && DELTA_CHECK(b)) return add_datetime_timedelta(a, b, 1);
  if (DELTA_CHECK(a) && DATETIME_CHECK(b)) return add_datetime_timedelta(b, a, 1);
  Py_RETURN_NOTIMPLEMENTED;
}

static PyObject* datetime_subtract(PyObject* a, PyObject* b) {
  if (!DATETIME_CHECK(a)) Py_RETURN_NOTIMPLEMENTED;
  if (DELTA_CHECK(b)) return add_datetime_timedelta(a, b, -1);
  if (!DATETIME_CHECK(b)) Py_RETURN_NOTIMPLEMENTED;
  PyObject *off1 = Py_NewRef(Py_None), *off2 = Py_NewRef(Py_None);
  if (DT_TZINFO(a) != DT_TZINFO(b)) {
    Py_SETREF(off1, call_utcoffset(DT_TZINFO(a), a));
    if (off1 == NULL) {
      Py_DECREF(off2);
      return NULL;
    }
    Py_SETREF(off2, call_utcoffset(DT_TZINFO(b), b));
    if (off2 == NULL) {
      Py_DECREF(off1);
      return NULL;
    }
    if ((off1 != Py_None) != (off2 != Py_None)) {
      Py_DECREF(off1);
      Py_DECREF(off2);
      PyErr_SetString(PyExc_TypeError, "can't subtract offset-naive and offset-aware datetimes");
      return NULL;
    }
  }
  const long long days =
      ymd_to_ord(YEAR(a), MONTH(a), DAY(a)) - ymd_to_ord(YEAR(b), MONTH(b), DAY(b));
  const long long secs = (DT_HOUR(a) - DT_HOUR(b)) * 3600LL + (DT_MINUTE(a) - DT_MINUTE(b)) * 60LL +
                         (DT_SECOND(a) - DT_SECOND(b));
  PyObject* r = new_delta(days, secs, (long long)DT_US(a) - DT_US(b));
  if (r != NULL && off1 != Py_None && delta_cmp(off1, off2) != 0) {
    /* (a - off1) - (b - off2) = (a - b) - (off1 - off2) */
    PyObject* offdiff = delta_subtract(off1, off2);
    Py_SETREF(r, offdiff ? delta_subtract(r, offdiff) : NULL);
    Py_XDECREF(offdiff);
  }
  Py_DECREF(off1);
  Py_DECREF(off2);
  return r;
}

/* A copy of dt (exact datetime) with fold flipped. */
static PyObject* flip_fold(PyObject* dt) {
  return new_datetime_ex2(YEAR(dt), MONTH(dt), DAY(dt), DT_HOUR(dt), DT_MINUTE(dt), DT_SECOND(dt),
                          DT_US(dt), DT_TZINFO(dt), !DT_FOLD(dt), &DateTimeType);
}

/* PEP 495: a datetime in a repeated or skipped hour (its utcoffset
 * depends on fold) is never equal to one in another zone. 1, 0 or -1. */
static int fold_sensitive(PyObject* dt, PyObject* offset) {
  PyObject* flipped = flip_fold(dt);
  if (flipped == NULL) return -1;
  PyObject* off = call_utcoffset(DT_TZINFO(flipped), flipped);
  Py_DECREF(flipped);
  if (off == NULL) return -1;
  int r = 0;
  if (off != offset) {
    r = off == Py_None || offset == Py_None || delta_cmp(off, offset) != 0;
  }
  Py_DECREF(off);
  return r;
}

static PyObject* datetime_richcompare(PyObject* self, PyObject* other, int op) {
  if (!DATETIME_CHECK(other)) Py_RETURN_NOTIMPLEMENTED;
  const unsigned char* a = ((PyDateTime_DateTime*)self)->data;
  const unsigned char* b = ((PyDateTime_DateTime*)other)->data;
  if (DT_TZINFO(self) == DT_TZINFO(other)) {
    return diff_to_bool(memcmp(a, b, _PyDateTime_DATETIME_DATASIZE), op);
  }
  PyObject* off1 = call_utcoffset(DT_TZINFO(self), self);
  if (off1 == NULL) return NULL;
  PyObject* off2 = call_utcoffset(DT_TZINFO(other), other);
  if (off2 == NULL) {
    Py_DECREF(off1);
    return NULL;
  }
  PyObject* r = NULL;
  long long diff = 0;
  int have_diff = 0;
  if (off1 == off2 || (off1 != Py_None && off2 != Py_None && delta_cmp(off1, off2) == 0)) {
    diff = memcmp(a, b, _PyDateTime_DATETIME_DATASIZE);
    have_diff = 1;
  } else if (off1 != Py_None && off2 != Py_None) {
    PyObject* delta = datetime_subtract(self, other);
    if (delta == NULL) goto done;
    diff = D_DAYS(delta);
    if (diff == 0) diff = D_SECONDS(delta) | D_US(delta);
    Py_DECREF(delta);
    have_diff = 1;
  } else if (op == Py_EQ) {
    r = Py_NewRef(Py_False);
  } else if (op == Py_NE) {
    r = Py_NewRef(Py_True);
  } else {
    PyErr_SetString(PyExc_TypeError, "can't compare offset-naive and offset-aware datetimes");
  }
  if (have_diff) {
    if ((op == Py_EQ || op == Py_NE) && diff == 0) {
      int ex = fold_sensitive(self, off1);
      if (ex == 0) ex = fold_sensitive(other, off2);
      if (ex < 0) goto done;
      if (ex) diff = 1;
    }
    r = diff_to_bool(diff, op);
  }
done:
  Py_DECREF(off1);
  Py_DECREF(off2);
  return r;
}

static Py_hash_t datetime_hash(PyObject* self) {
  PyDateTime_DateTime* dt = (PyDateTime_DateTime*)self;
  Py_hash_t h = load_hash(&dt->hashcode);
  if (h != -1) return h;
  /* The offset is taken at fold 0, so that a pair equal across a fold
   * hashes alike. */
  PyObject* self0 = DT_FOLD(self) ? flip_fold(self) : Py_NewRef(self);
  if (self0 == NULL) return -1;
  PyObject* offset = call_utcoffset(DT_TZINFO(self0), self0);
  Py_DECREF(self0);
  if (offset == NULL) return -1;
  if (offset == Py_None) {
    h = _Py_HashBytes(dt->data, _PyDateTime_DATETIME_DATASIZE);
  } else {
    PyObject* local = new_delta(ymd_to_ord(YEAR(self), MONTH(self), DAY(self)),
                                DT_HOUR(self) * 3600LL + DT_MINUTE(self) * 60 + DT_SECOND(self),
                                DT_US(self));
    PyObject* utc = local ? delta_subtract(local, offset) : NULL;
    Py_XDECREF(local);
    h = utc ? PyObject_Hash(utc) : -1;
    Py_XDECREF(utc);
  }
  Py_DECREF(offset);
  return store_hash(&dt->hashcode, h);
}

static PyObject* datetime_timestamp(PyObject* self, PyObject* unused) {
  (void)unused;
  if (DT_TZINFO(self) != Py_None) {
    PyObject* offset = call_utcoffset(DT_TZINFO(self), self);
    if (offset == NULL) return NULL;
    const int aware = offset != Py_None;
    Py_DECREF(offset);
    if (aware) {
      PyObject* delta = datetime_subtract(self, (PyObject*)&g_epoch);
      if (delta == NULL) return NULL;
      PyObject* r = delta_total_seconds(delta, NULL);
      Py_DECREF(delta);
      return r;
    }
  }
  const long long secs = local_to_seconds(YEAR(self), MONTH(self), DAY(self), DT_HOUR(self),
                                          DT_MINUTE(self), DT_SECOND(self), DT_FOLD(self));
  if (secs == -1 && PyErr_Occurred()) return NULL;
  return PyFloat_FromDouble((double)(secs - kEpochSeconds) + DT_US(self) / 1e6);
}

static PyObject* datetime_fromtimestamp(PyObject* cls, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"timestamp", "tz", NULL};
  PyObject* timestamp;
  PyObject* tz = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O:fromtimestamp", keywords, &timestamp, &tz)) {
    return NULL;
  }
  if (check_tzinfo_subclass(tz) < 0) return NULL;
  time_t t;
  long us;
  if (timestamp_to_timet(timestamp, &t, &us, 0) < 0) return NULL;
  return datetime_from_timet_and_us(cls, t, us, tz);
}

static PyObject* datetime_now(PyObject* cls, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"tz", NULL};
  PyObject* tz = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:now", keywords, &tz)) return NULL;
  if (check_tzinfo_subclass(tz) < 0) return NULL;
  PyTime_t ns;
  if (PyTime_Time(&ns) < 0) return NULL;
  long long rem;
  const long long secs = floordiv_ll(ns, 1000000000LL, &rem);
  return datetime_from_timet_and_us(cls, (time_t)secs, (long)(rem / 1000), tz);
}

static PyObject* datetime_combine(PyObject* cls, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"date", "time", "tzinfo", NULL};
  PyObject *date, *time, *tz = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O!O!|O:combine", keywords, &DateType, &date,
                                   &TimeType, &time, &tz)) {
    return NULL;
  }
  if (tz == NULL) tz = T_TZINFO(time);
  return new_datetime_subclass(YEAR(date), MONTH(date), DAY(date), T_HOUR(time), T_MINUTE(time),
                               T_SECOND(time), T_US(time), tz, T_FOLD(time), cls);
}

static PyObject* datetime_fromisoformat(PyObject* cls, PyObject* s) {
  Py_ssize_t len;
  const char* p = iso_text(s, &len);
  if (p == NULL) return NULL;
  const char* end = p + len;
  /* The date is YYYY-MM-DD (extended) or YYYYMMDD (basic); one separator
   * character, then the time. */
  const Py_ssize_t date_len = len >= 5 && p[4] == '-' ? 10 : 8;
  if (len < date_len) return invalid_iso(s);
  int y, mo, d, h = 0, mi = 0, sec = 0, us = 0;
  if (parse_iso_date(p, p + date_len, &y, &mo, &d) < 0) return invalid_iso(s);
  PyObject* tz = Py_NewRef(Py_None);
  if (len > date_len) {
    if (len == date_len + 1) {
      Py_DECREF(tz);
      return invalid_iso(s);
    }
    Py_DECREF(tz);
    if (parse_iso_time(p + date_len + 1, end, &h, &mi, &sec, &us, &tz) < 0) {
      Py_DECREF(tz);
      return invalid_iso(s);
    }
  }
  PyObject* r = new_datetime_subclass(y, mo, d, h, mi, sec, us, tz, 0, cls);
  Py_DECREF(tz);
  return r;
}

/* The local zone in effect at this local wall time (PEP 495's fold
 * choosing in a repeated hour). */
static PyObject* local_timezone_from_local(PyObject* dt) {
  const long long secs = local_to_seconds(YEAR(dt), MONTH(dt), DAY(dt), DT_HOUR(dt),
                                          DT_MINUTE(dt), DT_SECOND(dt), DT_FOLD(dt));
  if (secs == -1 && PyErr_Occurred()) return NULL;
  return local_timezone_at(secs - kEpochSeconds);
}

static PyObject* datetime_astimezone(PyObject* self, PyObject* args, PyObject* kw) {
  static char* keywords[] = {"tz", NULL};
  PyObject* tz = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:astimezone", keywords, &tz)) return NULL;
  if (check_tzinfo_subclass(tz) < 0) return NULL;
  PyObject* self_tz = DT_TZINFO(self);
  PyObject* offset;
  if (self_tz == Py_None) {
  naive:
    self_tz = local_timezone_from_local(self);
    if (self_tz == NULL) return NULL;
  } else {
    Py_INCREF(self_tz);
  }
  if (self_tz == tz) {
    Py_DECREF(self_tz);
    return Py_NewRef(self);
  }
  offset = call_utcoffset(self_tz, self);
  if (offset == NULL) {
    Py_DECREF(self_tz);
    return NULL;
  }
  if (offset == Py_None) {
    Py_DECREF(offset);
    Py_DECREF(self_tz);
    goto naive;
  }
  Py_DECREF(self_tz);
  /* self - offset, as UTC */
  PyObject* shifted = add_datetime_timedelta(self, offset, -1);
  Py_DECREF(offset);
  if (shifted == NULL) return NULL;
  PyObject* utc = new_datetime_ex2(YEAR(shifted), MONTH(shifted), DAY(shifted), DT_HOUR(shifted),
                                   DT_MINUTE(shifted), DT_SECOND(shifted), DT_US(shifted),
                                   (PyObject*)&g_utc, 0, &DateTimeType);
  Py_DECREF(shifted);
  if (utc == NULL) return NULL;
  PyObject* target = tz;
  if (tz == Py_None) {
    PyObject* since = datetime_subtract(utc, (PyObject*)&g_epoch);
    if (since == NULL) {
      Py_DECREF(utc);
      return NULL;
    }
    target = local_timezone_at((long long)D_DAYS(since) * 86400 + D_SECONDS(since));
    Py_DECREF(since);
    if (target == NULL) {
      Py_DECREF(utc);
      return NULL;
    }
  } else {
    Py_INCREF(target);
  }
  PyObject* attached = new_datetime_subclass(
      YEAR(utc), MONTH(utc), DAY(utc), DT_HOUR(utc), DT_MINUTE(utc), DT_SECOND(utc), DT_US(utc),
      target, 0, (PyObject*)Py_TYPE(self));
  Py_DECREF(utc);
  PyObject* r = attached ? PyObject_CallMethod(target, "fromutc", "O", attached) : NULL;
  Py_XDECREF(attached);
  Py_DECREF(target);
  return r;
}

static PyMethodDef datetime_methods[] = {
    {"now", (PyCFunction)(void (*)(void))datetime_now, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "Returns new datetime object representing current time local to tz."},
    {"fromtimestamp", (PyCFunction)(void (*)(void))datetime_fromtimestamp,
     METH_VARARGS | METH_KEYWORDS | METH_CLASS, "timestamp[, tz] -> tz's local time from POSIX timestamp."},
    {"combine", (PyCFunction)(void (*)(void))datetime_combine,
     METH_VARARGS | METH_KEYWORDS | METH_CLASS, "date, time -> datetime with same date and time fields"},
    {"fromisoformat", datetime_fromisoformat, METH_O | METH_CLASS,
     "string -> datetime from a string in most ISO 8601 formats"},
    {"date", datetime_getdate, METH_NOARGS, "Return date object with same year, month and day."},
    {"time", datetime_gettime, METH_NOARGS, "Return time object with same time but with tzinfo=None."},
    {"timetz", datetime_gettimetz, METH_NOARGS, "Return time object with same time and tzinfo."},
    {"ctime", datetime_ctime, METH_NOARGS, "Return ctime() style string."},
    {"timestamp", datetime_timestamp, METH_NOARGS, "Return POSIX timestamp as float."},
    {"isoformat", (PyCFunction)(void (*)(void))datetime_isoformat, METH_VARARGS | METH_KEYWORDS,
     "[sep] -> string in ISO 8601 format, YYYY-MM-DDT[HH[:MM[:SS[.mmm[uuu]]]]][+HH:MM]."},
    {"strftime", (PyCFunction)(void (*)(void))datetime_strftime, METH_VARARGS | METH_KEYWORDS,
     "format -> strftime() style string."},
    {"utcoffset", datetime_utcoffset, METH_NOARGS, "Return self.tzinfo.utcoffset(self)."},
    {"tzname", datetime_tzname, METH_NOARGS, "Return self.tzinfo.tzname(self)."},
    {"dst", datetime_dst, METH_NOARGS, "Return self.tzinfo.dst(self)."},
    {"replace", (PyCFunction)(void (*)(void))datetime_replace, METH_VARARGS | METH_KEYWORDS,
     "Return datetime with new specified fields."},
    {"astimezone", (PyCFunction)(void (*)(void))datetime_astimezone, METH_VARARGS | METH_KEYWORDS,
     "tz -> convert to local time in new timezone tz\n"},
    {NULL, NULL, 0, NULL},
};

static PyNumberMethods datetime_as_number = {
    .nb_add = datetime_add,
    .nb_subtract = datetime_subtract,
};

static PyTypeObject DateTimeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "datetime.datetime",
    .tp_basicsize = sizeof(PyDateTime_DateTime),
    .tp_dealloc = datetime_dealloc,
    .tp_repr = datetime_repr,
    .tp_as_number = &datetime_as_number,
    .tp_hash = datetime_hash,
    .tp_str = datetime_str,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "datetime(year, month, day[, hour[, minute[, second[, microsecond[,tzinfo]]]]])",
    .tp_richcompare = datetime_richcompare,
    .tp_methods = datetime_methods,
    .tp_getset = datetime_getset,
    .tp_base = &DateType,
    .tp_new = datetime_new,
};

/* ---- the C API table ---------------------------------------------------------------- */

static PyObject* capi_date(int y, int m, int d, PyTypeObject* type) {
  return new_date_ex(y, m, d, type);
}
static PyObject* capi_datetime(int y, int mo, int d, int h, int mi, int s, int us, PyObject* tz,
                               PyTypeObject* type) {
  return new_datetime_ex2(y, mo, d, h, mi, s, us, tz, 0, type);
}
static PyObject* capi_datetime_fold(int y, int mo, int d, int h, int mi, int s, int us,
                                    PyObject* tz, int fold, PyTypeObject* type) {
  return new_datetime_ex2(y, mo, d, h, mi, s, us, tz, fold, type);
}
static PyObject* capi_time(int h, int m, int s, int us, PyObject* tz, PyTypeObject* type) {
  return new_time_ex2(h, m, s, us, tz, 0, type);
}
static PyObject* capi_time_fold(int h, int m, int s, int us, PyObject* tz, int fold,
                                PyTypeObject* type) {
  return new_time_ex2(h, m, s, us, tz, fold, type);
}
static PyObject* capi_date_fromtimestamp(PyObject* cls, PyObject* args) {
  PyObject* timestamp;
  if (!PyArg_ParseTuple(args, "O:fromtimestamp", &timestamp)) return NULL;
  return date_fromtimestamp(cls, timestamp);
}

static const PyDateTime_CAPI kCapi = {
    .DateType = &DateType,
    .DateTimeType = &DateTimeType,
    .TimeType = &TimeType,
    .DeltaType = &DeltaType,
    .TZInfoType = &TZInfoType,
    .TimeZone_UTC = (PyObject*)&g_utc,
    .Date_FromDate = capi_date,
    .DateTime_FromDateAndTime = capi_datetime,
    .Time_FromTime = capi_time,
    .Delta_FromDelta = capi_delta,
    .TimeZone_FromTimeZone = new_timezone,
    .DateTime_FromTimestamp = datetime_fromtimestamp,
    .Date_FromTimestamp = capi_date_fromtimestamp,
    .DateTime_FromDateAndTimeAndFold = capi_datetime_fold,
    .Time_FromTimeAndFold = capi_time_fold,
};

/* ---- the module -------------------------------------------------------------------- */

/* type.name = value in a readied static type's dict, under an interned
 * (immortal) key: the value is in static storage, so the dict, which
 * outlives every runtime, holds nothing of one. */
static int set_class_attr(PyTypeObject* type, const char* name, void* value) {
  PyObject* key = PyUnicode_InternFromString(name);
  if (key == NULL) return -1;
  const int r = PyDict_SetItem(type->tp_dict, key, (PyObject*)value);
  Py_DECREF(key);
  return r;
}

/* Readies the types and sets their class attributes, once per process.
 * Guarded by g_ready_mu (a PyMutex detaches while it waits). */
static PyMutex g_ready_mu = {0};
static int g_ready = 0; /* guarded by g_ready_mu */

static int ready_types(void) {
  PyMutex_Lock(&g_ready_mu);
  int rc = 0;
  if (!g_ready) {
    PyTypeObject* const types[] = {&DeltaType, &TZInfoType, &TimeZoneType,
                                   &DateType,  &TimeType,   &DateTimeType};
    for (size_t i = 0; i < sizeof types / sizeof types[0] && rc == 0; i++) {
      rc = PyType_Ready(types[i]);
    }
    if (rc == 0) {
      rc = set_class_attr(&DeltaType, "min", &g_delta_min) |
           set_class_attr(&DeltaType, "max", &g_delta_max) |
           set_class_attr(&DeltaType, "resolution", &g_delta_us) |
           set_class_attr(&DateType, "min", &g_date_min) |
           set_class_attr(&DateType, "max", &g_date_max) |
           set_class_attr(&DateType, "resolution", &g_delta_day) |
           set_class_attr(&TimeType, "min", &g_time_min) |
           set_class_attr(&TimeType, "max", &g_time_max) |
           set_class_attr(&TimeType, "resolution", &g_delta_us) |
           set_class_attr(&DateTimeType, "min", &g_datetime_min) |
           set_class_attr(&DateTimeType, "max", &g_datetime_max) |
           set_class_attr(&DateTimeType, "resolution", &g_delta_us) |
           set_class_attr(&TimeZoneType, "utc", &g_utc) |
           set_class_attr(&TimeZoneType, "min", &g_tz_min) |
           set_class_attr(&TimeZoneType, "max", &g_tz_max);
      PyTypeObject* const changed[] = {&DeltaType, &DateType, &TimeType, &DateTimeType,
                                       &TimeZoneType};
      for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++) PyType_Modified(changed[i]);
    }
    if (rc == 0) g_ready = 1;
  }
  PyMutex_Unlock(&g_ready_mu);
  return rc == 0 ? 0 : -1;
}

static int datetime_exec(PyObject* m) {
  if (ready_types() < 0) return -1;
  if (PyModule_AddIntConstant(m, "MINYEAR", kMinYear) < 0 ||
      PyModule_AddIntConstant(m, "MAXYEAR", kMaxYear) < 0 ||
      PyModule_AddObjectRef(m, "date", (PyObject*)&DateType) < 0 ||
      PyModule_AddObjectRef(m, "datetime", (PyObject*)&DateTimeType) < 0 ||
      PyModule_AddObjectRef(m, "time", (PyObject*)&TimeType) < 0 ||
      PyModule_AddObjectRef(m, "timedelta", (PyObject*)&DeltaType) < 0 ||
      PyModule_AddObjectRef(m, "tzinfo", (PyObject*)&TZInfoType) < 0 ||
      PyModule_AddObjectRef(m, "timezone", (PyObject*)&TimeZoneType) < 0 ||
      PyModule_AddObjectRef(m, "UTC", (PyObject*)&g_utc) < 0) {
    return -1;
  }
  PyObject* capsule = PyCapsule_New((void*)&kCapi, PyDateTime_CAPSULE_NAME, NULL);
  if (capsule == NULL) return -1;
  const int r = PyModule_AddObjectRef(m, "datetime_CAPI", capsule);
  Py_DECREF(capsule);
  return r;
}

static PyModuleDef_Slot datetime_slots[] = {
    {Py_mod_exec, (void*)datetime_exec},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static PyModuleDef datetime_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "datetime",
    .m_doc = "Fast implementation of the datetime module.",
    .m_size = 0,
    .m_slots = datetime_slots,
};

/* The loader's built-in table calls this (ext_abi/loader.cc). */
PyObject* ftrt_PyInit_datetime(void);
PyObject* ftrt_PyInit_datetime(void) { return PyModuleDef_Init(&datetime_def); }
