/* The datetime C API (datetime.h) and the built-in `datetime` module, used
 * the way extensions use them (python-rapidjson, ciso8601, psycopg2):
 * PyDateTime_IMPORT, the constructor and GET macros, the check macros, and
 * the module's types called with positional and keyword arguments. Every
 * expected repr, str and error message was produced by CPython 3.13 (with
 * TZ=UTC, which this test sets for local-time results).
 *
 *   - the import: PyImport_ImportModule("datetime") and the capsule give
 *     one module and one table; PyImport_AppendInittab adds a module whose
 *     init itself runs PyDateTime_IMPORT, and refuses after Py_Initialize;
 *   - timedelta normalisation and rounding, arithmetic, str/repr, errors;
 *     date, time, datetime, timezone and tzinfo as in CPython;
 *   - C subclasses: a static tzinfo subtype with utcoffset/dst/tzname (and
 *     ones returning bad values), a static date subtype;
 *   - two Py_Initialize / Py_FinalizeEx cycles, each with no leak; in the
 *     second, kThreads threads (more than the machine's cores) import the
 *     module at once (one module, one init of the appended one) and then
 *     make, compare, hash and format datetimes with a shared tzinfo, with
 *     seeded random yields, checking every result. */
#include "Python.h" /* first, as CPython asks: it sets the feature macros */
#include "datetime.h"

#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 8 };

/* The layouts are CPython 3.13t's: its datetime.h compiled with
 * Py_GIL_DISABLED on x86-64 gives these sizes and offsets. */
_Static_assert(sizeof(PyDateTime_Delta) == 56, "PyDateTime_Delta");
_Static_assert(sizeof(PyDateTime_Date) == 48, "PyDateTime_Date");
_Static_assert(sizeof(PyDateTime_Time) == 56, "PyDateTime_Time");
_Static_assert(offsetof(PyDateTime_Time, tzinfo) == 48, "PyDateTime_Time.tzinfo");
_Static_assert(sizeof(PyDateTime_DateTime) == 64, "PyDateTime_DateTime");
_Static_assert(sizeof(_PyDateTime_BaseDateTime) == 56, "_PyDateTime_BaseDateTime");
_Static_assert(offsetof(PyDateTime_DateTime, fold) == 51, "PyDateTime_DateTime.fold");
_Static_assert(offsetof(PyDateTime_DateTime, tzinfo) == 56, "PyDateTime_DateTime.tzinfo");
_Static_assert(sizeof(PyDateTime_CAPI) == 120, "PyDateTime_CAPI");

/* ---- helpers ----------------------------------------------------------------- */

static PyObject* g_mod; /* the datetime module of the current cycle */

static PyObject* T(const char* name) {
  PyObject* t = PyObject_GetAttrString(g_mod, name);
  CHECK(t != NULL);
  return t;
}

/* Calls datetime.<type>(*args, **kw); args and kw are stolen (kw may be
 * NULL). */
static PyObject* mk(const char* type, PyObject* args, PyObject* kw) {
  CHECK(args != NULL);
  PyObject* t = T(type);
  PyObject* r = PyObject_Call(t, args, kw);
  Py_DECREF(t);
  Py_DECREF(args);
  Py_XDECREF(kw);
  return r;
}

static void expect_text(PyObject* o, PyObject* (*fn)(PyObject*), const char* expected, int line) {
  if (o == NULL) {
    fprintf(stderr, "line %d: unexpected error\n", line);
    ext_test_die_with_error("expect_text");
  }
  PyObject* s = fn(o);
  CHECK(s != NULL);
  const char* got = PyUnicode_AsUTF8(s);
  if (strcmp(got, expected) != 0) {
    fprintf(stderr, "line %d: got '%s', expected '%s'\n", line, got, expected);
    abort();
  }
  Py_DECREF(s);
  Py_DECREF(o);
}
/* Steals o. */
#define EXPECT_REPR(o, s) expect_text((o), PyObject_Repr, (s), __LINE__)
#define EXPECT_STR(o, s) expect_text((o), PyObject_Str, (s), __LINE__)

/* r must be NULL with exception type and message; steals r. */
static void expect_fail(PyObject* r, PyObject* type, const char* message, int line) {
  if (r != NULL) {
    PyObject* s = PyObject_Repr(r);
    fprintf(stderr, "line %d: expected %s, got %s\n", line, message,
            s ? PyUnicode_AsUTF8(s) : "?");
    abort();
  }
  ext_test_expect_error(type, message);
}
#define EXPECT_FAIL(r, type, msg) expect_fail((r), (type), (msg), __LINE__)

static PyObject* meth(PyObject* o, const char* name) {
  PyObject* r = PyObject_CallMethod(o, name, NULL);
  return r;
}

/* ---- a static tzinfo subtype written in C ----------------------------------- */

typedef struct {
  PyDateTime_TZInfo base;
  int minutes; /* the offset; 9999: utcoffset returns an int; 1440: 24 h */
} FixedTZ;

static PyObject* fixed_utcoffset(PyObject* self, PyObject* dt) {
  (void)dt;
  const int m = ((FixedTZ*)self)->minutes;
  if (m == 9999) return PyLong_FromLong(5);
  return PyDelta_FromDSU(0, m * 60, 0);
}
static PyObject* fixed_dst(PyObject* self, PyObject* dt) {
  (void)self, (void)dt;
  return PyDelta_FromDSU(0, 0, 0);
}
static PyObject* fixed_tzname(PyObject* self, PyObject* dt) {
  (void)dt;
  if (((FixedTZ*)self)->minutes == 9999) return PyLong_FromLong(5);
  char name[32];
  snprintf(name, sizeof name, "FIX%+d", ((FixedTZ*)self)->minutes);
  return PyUnicode_FromString(name);
}

static PyMethodDef fixed_methods[] = {
    {"utcoffset", fixed_utcoffset, METH_O, NULL},
    {"dst", fixed_dst, METH_O, NULL},
    {"tzname", fixed_tzname, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FixedTZType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_datetime_test.FixedTZ",
    .tp_basicsize = sizeof(FixedTZ),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_methods = fixed_methods,
};

static PyObject* new_fixed(int minutes) {
  PyObject* tz = PyObject_CallNoArgs((PyObject*)&FixedTZType);
  CHECK(tz != NULL);
  ((FixedTZ*)tz)->minutes = minutes;
  return tz;
}

/* ---- a static date subtype -------------------------------------------------- */

static PyTypeObject MyDateType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_datetime_test.MyDate",
    .tp_basicsize = sizeof(PyDateTime_Date),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
};

/* ---- a module added with PyImport_AppendInittab ------------------------------ */

static atomic_int g_user_inits;
static PyModuleDef user_def = {PyModuleDef_HEAD_INIT, "dt_user", NULL, -1, NULL};

static PyObject* PyInit_dt_user(void) {
  atomic_fetch_add_explicit(&g_user_inits, 1, memory_order_relaxed);
  /* a built-in imported from another built-in's init (PyDateTime_IMPORT's
   * call, into a local: the threads read this file's PyDateTimeAPI) */
  PyDateTime_CAPI* api = (PyDateTime_CAPI*)PyCapsule_Import(PyDateTime_CAPSULE_NAME, 0);
  if (api == NULL) return NULL;
  PyObject* m = PyModule_Create(&user_def);
  if (m == NULL) return NULL;
  if (PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED) < 0 ||
      PyModule_AddObjectRef(m, "utc", api->TimeZone_UTC) < 0) {
    Py_DECREF(m);
    return NULL;
  }
  return m;
}

/* ---- the import -------------------------------------------------------------- */

static void test_import(void) {
  PyDateTime_IMPORT;
  CHECK(PyDateTimeAPI != NULL);
  g_mod = PyImport_ImportModule("datetime");
  CHECK(g_mod != NULL);
  PyObject* again = PyImport_ImportModule("datetime");
  CHECK(again == g_mod);
  Py_DECREF(again);
  PyObject* capsule = PyObject_GetAttrString(g_mod, "datetime_CAPI");
  CHECK(capsule != NULL && PyCapsule_IsValid(capsule, PyDateTime_CAPSULE_NAME));
  CHECK(PyCapsule_GetPointer(capsule, PyDateTime_CAPSULE_NAME) == PyDateTimeAPI);
  Py_DECREF(capsule);
  PyObject* date = T("date");
  CHECK(date == (PyObject*)PyDateTimeAPI->DateType);
  Py_DECREF(date);
  PyObject* utc = T("UTC");
  CHECK(utc == PyDateTime_TimeZone_UTC);
  Py_DECREF(utc);
  PyObject* tzt = T("timezone");
  PyObject* utc2 = PyObject_GetAttrString(tzt, "utc");
  CHECK(utc2 == PyDateTime_TimeZone_UTC);
  Py_DECREF(utc2);
  Py_DECREF(tzt);
  PyObject* minyear = T("MINYEAR");
  PyObject* maxyear = T("MAXYEAR");
  CHECK_EQ_LL(PyLong_AsLong(minyear), 1);
  CHECK_EQ_LL(PyLong_AsLong(maxyear), 9999);
  Py_DECREF(minyear);
  Py_DECREF(maxyear);
  /* the appended module: its init imported datetime in turn */
  PyObject* user = PyImport_ImportModule("dt_user");
  CHECK(user != NULL);
  PyObject* uutc = PyObject_GetAttrString(user, "utc");
  CHECK(uutc == PyDateTime_TimeZone_UTC);
  Py_DECREF(uutc);
  Py_DECREF(user);
  /* too late now */
  CHECK(PyImport_AppendInittab("dt_late", PyInit_dt_user) == -1);
  PyObject* late = PyImport_ImportModule("dt_late");
  EXPECT_FAIL(late, PyExc_ModuleNotFoundError, "No module named 'dt_late'");
  CHECK(PyCapsule_Import("datetime.no_such", 0) == NULL);
  ext_test_expect_error(PyExc_AttributeError, NULL);
}

/* ---- the C API's constructors and macros -------------------------------------- */

static void test_capi(void) {
  PyObject* d = PyDate_FromDate(2024, 2, 29);
  CHECK(d != NULL && PyDate_Check(d) && PyDate_CheckExact(d) && !PyDateTime_Check(d));
  CHECK_EQ_LL(PyDateTime_GET_YEAR(d), 2024);
  CHECK_EQ_LL(PyDateTime_GET_MONTH(d), 2);
  CHECK_EQ_LL(PyDateTime_GET_DAY(d), 29);
  EXPECT_REPR(d, "datetime.date(2024, 2, 29)");

  PyObject* dt = PyDateTime_FromDateAndTime(2024, 1, 2, 3, 4, 5, 123456);
  CHECK(dt != NULL && PyDateTime_Check(dt) && PyDate_Check(dt) && PyDateTime_CheckExact(dt));
  CHECK_EQ_LL(PyDateTime_GET_YEAR(dt), 2024);
  CHECK_EQ_LL(PyDateTime_DATE_GET_HOUR(dt), 3);
  CHECK_EQ_LL(PyDateTime_DATE_GET_MINUTE(dt), 4);
  CHECK_EQ_LL(PyDateTime_DATE_GET_SECOND(dt), 5);
  CHECK_EQ_LL(PyDateTime_DATE_GET_MICROSECOND(dt), 123456);
  CHECK_EQ_LL(PyDateTime_DATE_GET_FOLD(dt), 0);
  CHECK(PyDateTime_DATE_GET_TZINFO(dt) == Py_None);
  CHECK(!_PyDateTime_HAS_TZINFO(dt));
  EXPECT_REPR(dt, "datetime.datetime(2024, 1, 2, 3, 4, 5, 123456)");

  PyObject* aware = PyDateTimeAPI->DateTime_FromDateAndTimeAndFold(
      2024, 1, 2, 0, 0, 0, 0, PyDateTime_TimeZone_UTC, 1, PyDateTimeAPI->DateTimeType);
  CHECK(aware != NULL && _PyDateTime_HAS_TZINFO(aware));
  CHECK(PyDateTime_DATE_GET_TZINFO(aware) == PyDateTime_TimeZone_UTC);
  CHECK_EQ_LL(PyDateTime_DATE_GET_FOLD(aware), 1);
  EXPECT_REPR(aware, "datetime.datetime(2024, 1, 2, 0, 0, fold=1, tzinfo=datetime.timezone.utc)");
  EXPECT_REPR(PyDateTime_FromDateAndTimeAndFold(2024, 1, 2, 3, 4, 5, 0, 1),
              "datetime.datetime(2024, 1, 2, 3, 4, 5, fold=1)");

  PyObject* t = PyTime_FromTime(1, 2, 3, 4);
  CHECK(t != NULL && PyTime_Check(t) && PyTime_CheckExact(t));
  CHECK_EQ_LL(PyDateTime_TIME_GET_HOUR(t), 1);
  CHECK_EQ_LL(PyDateTime_TIME_GET_MINUTE(t), 2);
  CHECK_EQ_LL(PyDateTime_TIME_GET_SECOND(t), 3);
  CHECK_EQ_LL(PyDateTime_TIME_GET_MICROSECOND(t), 4);
  CHECK(PyDateTime_TIME_GET_TZINFO(t) == Py_None);
  EXPECT_REPR(t, "datetime.time(1, 2, 3, 4)");
  PyObject* tf = PyTime_FromTimeAndFold(23, 59, 59, 999999, 1);
  CHECK_EQ_LL(PyDateTime_TIME_GET_FOLD(tf), 1);
  CHECK_EQ_LL(PyDateTime_TIME_GET_MICROSECOND(tf), 999999);
  EXPECT_REPR(tf, "datetime.time(23, 59, 59, 999999, fold=1)");

  PyObject* delta = PyDelta_FromDSU(1, -1, -1);
  CHECK(delta != NULL && PyDelta_Check(delta) && PyDelta_CheckExact(delta));
  CHECK_EQ_LL(PyDateTime_DELTA_GET_DAYS(delta), 0);
  CHECK_EQ_LL(PyDateTime_DELTA_GET_SECONDS(delta), 86398);
  CHECK_EQ_LL(PyDateTime_DELTA_GET_MICROSECONDS(delta), 999999);
  EXPECT_REPR(delta, "datetime.timedelta(seconds=86398, microseconds=999999)");
  EXPECT_FAIL(PyDelta_FromDSU(1000000000, 0, 0), PyExc_OverflowError,
              "days=1000000000; must have magnitude <= 999999999");

  PyObject* off = PyDelta_FromDSU(0, 3600, 0);
  PyObject* tz = PyTimeZone_FromOffset(off);
  CHECK(tz != NULL && PyTZInfo_Check(tz) && !PyTZInfo_CheckExact(tz));
  EXPECT_REPR(tz, "datetime.timezone(datetime.timedelta(seconds=3600))");
  PyObject* name = PyUnicode_FromString("CET");
  EXPECT_REPR(PyTimeZone_FromOffsetAndName(off, name),
              "datetime.timezone(datetime.timedelta(seconds=3600), 'CET')");
  Py_DECREF(name);
  Py_DECREF(off);
  PyObject* zero = PyDelta_FromDSU(0, 0, 0);
  PyObject* utc = PyTimeZone_FromOffset(zero);
  CHECK(utc == PyDateTime_TimeZone_UTC);
  Py_DECREF(utc);
  Py_DECREF(zero);

  /* the DB API's: an args tuple, as the classmethods take them */
  PyObject* args = Py_BuildValue("(dO)", 1.5e9 + 0.0000005, PyDateTime_TimeZone_UTC);
  EXPECT_REPR(PyDateTime_FromTimestamp(args),
              "datetime.datetime(2017, 7, 14, 2, 40, tzinfo=datetime.timezone.utc)");
  Py_DECREF(args);
  args = Py_BuildValue("(d)", 1700000000.9);
  EXPECT_REPR(PyDate_FromTimestamp(args), "datetime.date(2023, 11, 14)");
  Py_DECREF(args);
  args = Py_BuildValue("(d)", 1700000000.25);
  EXPECT_REPR(PyDateTime_FromTimestamp(args), "datetime.datetime(2023, 11, 14, 22, 13, 20, 250000)");
  Py_DECREF(args);

  /* range errors through the C API */
  EXPECT_FAIL(PyDate_FromDate(0, 1, 1), PyExc_ValueError, "year 0 is out of range");
  EXPECT_FAIL(PyDate_FromDate(2024, 13, 1), PyExc_ValueError, "month must be in 1..12");
  EXPECT_FAIL(PyDate_FromDate(2023, 2, 29), PyExc_ValueError, "day is out of range for month");
  EXPECT_FAIL(PyTime_FromTime(24, 0, 0, 0), PyExc_ValueError, "hour must be in 0..23");
  EXPECT_FAIL(PyTime_FromTime(0, 60, 0, 0), PyExc_ValueError, "minute must be in 0..59");
  EXPECT_FAIL(PyTime_FromTime(0, 0, 60, 0), PyExc_ValueError, "second must be in 0..59");
  EXPECT_FAIL(PyTime_FromTime(0, 0, 0, 1000000), PyExc_ValueError,
              "microsecond must be in 0..999999");
  EXPECT_FAIL(PyTime_FromTimeAndFold(0, 0, 0, 0, 2), PyExc_ValueError,
              "fold must be either 0 or 1");
  PyObject* one = PyLong_FromLong(1);
  EXPECT_FAIL(PyDateTimeAPI->DateTime_FromDateAndTime(2024, 1, 1, 0, 0, 0, 0, one,
                                                      PyDateTimeAPI->DateTimeType),
              PyExc_TypeError, "tzinfo argument must be None or of a tzinfo subclass, not type 'int'");
  Py_DECREF(one);
}

/* ---- timedelta ------------------------------------------------------------------- */

static void test_timedelta(void) {
  EXPECT_FAIL(mk("timedelta", Py_BuildValue("()"), Py_BuildValue("{s:i}", "days", 1000000000)),
              PyExc_OverflowError, "days=1000000000; must have magnitude <= 999999999");
  EXPECT_FAIL(mk("timedelta", Py_BuildValue("(d)", 1e9), NULL), PyExc_OverflowError,
              "days=1000000000; must have magnitude <= 999999999");
  EXPECT_REPR(mk("timedelta", Py_BuildValue("()"),
                 Py_BuildValue("{s:d,s:d,s:d,s:d}", "weeks", 1.5, "hours", 0.5, "minutes", 1.25,
                               "milliseconds", 1.0000005)),
              "datetime.timedelta(days=10, seconds=45075, microseconds=1000)");
  /* float microseconds round half to even, the evenness of the whole sum */
  EXPECT_REPR(mk("timedelta", Py_BuildValue("()"), Py_BuildValue("{s:d}", "microseconds", 0.5)),
              "datetime.timedelta(0)");
  EXPECT_REPR(mk("timedelta", Py_BuildValue("()"), Py_BuildValue("{s:d}", "microseconds", 1.5)),
              "datetime.timedelta(microseconds=2)");
  EXPECT_REPR(mk("timedelta", Py_BuildValue("()"), Py_BuildValue("{s:d}", "microseconds", 2.5)),
              "datetime.timedelta(microseconds=2)");
  EXPECT_REPR(mk("timedelta", Py_BuildValue("()"),
                 Py_BuildValue("{s:i,s:d}", "seconds", 1, "microseconds", 0.5)),
              "datetime.timedelta(seconds=1)");
  EXPECT_REPR(mk("timedelta", Py_BuildValue("()"), Py_BuildValue("{s:d}", "microseconds", -1.5)),
              "datetime.timedelta(days=-1, seconds=86399, microseconds=999998)");
  EXPECT_REPR(mk("timedelta", Py_BuildValue("(dd)", -1.5, 0.3), NULL),
              "datetime.timedelta(days=-2, seconds=43200, microseconds=300000)");
  EXPECT_REPR(mk("timedelta", Py_BuildValue("()"),
                 Py_BuildValue("{s:d,s:d,s:d}", "seconds", 0.5, "milliseconds", 0.5,
                               "microseconds", 0.5)),
              "datetime.timedelta(microseconds=500500)");
  EXPECT_REPR(mk("timedelta", Py_BuildValue("()"),
                 Py_BuildValue("{s:d,s:d}", "days", 0.1, "minutes", 0.1)),
              "datetime.timedelta(seconds=8646)");
  EXPECT_REPR(mk("timedelta", Py_BuildValue("()"), Py_BuildValue("{s:i,s:i}", "days", 1, "minutes", -1)),
              "datetime.timedelta(seconds=86340)");
  EXPECT_FAIL(mk("timedelta", Py_BuildValue("(s)", "a"), NULL), PyExc_TypeError,
              "unsupported type for timedelta days component: str");
  EXPECT_FAIL(mk("timedelta", Py_BuildValue("(ii)", 999999999, 86400), NULL), PyExc_OverflowError,
              "days=1000000000; must have magnitude <= 999999999");
  PyObject* big = PyLong_FromString("1180591620717411303424", NULL, 10); /* 2**70 */
  EXPECT_FAIL(mk("timedelta", Py_BuildValue("()"), Py_BuildValue("{s:N}", "microseconds", big)),
              PyExc_OverflowError, "Python int too large to convert to C int");

  EXPECT_REPR(mk("timedelta", Py_BuildValue("(i)", -1), NULL), "datetime.timedelta(days=-1)");
  EXPECT_STR(mk("timedelta", Py_BuildValue("(iii)", -1, 5, 7), NULL), "-1 day, 0:00:05.000007");
  EXPECT_STR(mk("timedelta", Py_BuildValue("(iii)", 2, 3661, 5), NULL), "2 days, 1:01:01.000005");
  EXPECT_STR(mk("timedelta", Py_BuildValue("()"), NULL), "0:00:00");
  EXPECT_STR(mk("timedelta", Py_BuildValue("()"), Py_BuildValue("{s:i}", "hours", -1)),
             "-1 day, 23:00:00");
  EXPECT_STR(mk("timedelta", Py_BuildValue("()"), Py_BuildValue("{s:i,s:i}", "days", -2, "hours", 3)),
             "-2 days, 3:00:00");
  EXPECT_REPR(mk("timedelta", Py_BuildValue("()"), NULL), "datetime.timedelta(0)");

  /* arithmetic */
  PyObject* a = mk("timedelta", Py_BuildValue("(iii)", 1, 2, 3), NULL);
  PyObject* seven = mk("timedelta", Py_BuildValue("(ii)", 0, 7), NULL);
  PyObject* n3 = PyLong_FromLong(3);
  PyObject* n7 = PyLong_FromLong(7);
  PyObject* n0 = PyLong_FromLong(0);
  PyObject* f03 = PyFloat_FromDouble(0.3);
  PyObject* f00 = PyFloat_FromDouble(0.0);
  PyObject* f05 = PyFloat_FromDouble(0.5);
  EXPECT_REPR(PyNumber_Multiply(a, n3), "datetime.timedelta(days=3, seconds=6, microseconds=9)");
  EXPECT_REPR(PyNumber_Multiply(n3, a), "datetime.timedelta(days=3, seconds=6, microseconds=9)");
  EXPECT_REPR(PyNumber_FloorDivide(a, n7), "datetime.timedelta(seconds=12343, microseconds=142857)");
  EXPECT_REPR(PyNumber_TrueDivide(a, n7), "datetime.timedelta(seconds=12343, microseconds=142858)");
  EXPECT_REPR(PyNumber_Multiply(a, f03), "datetime.timedelta(seconds=25920, microseconds=600001)");
  EXPECT_REPR(PyNumber_TrueDivide(a, seven), "12343.142857571429");
  EXPECT_REPR(PyNumber_FloorDivide(a, seven), "12343");
  EXPECT_REPR(PyNumber_Remainder(a, seven), "datetime.timedelta(seconds=1, microseconds=3)");
  EXPECT_REPR(PyNumber_Divmod(a, seven), "(12343, datetime.timedelta(seconds=1, microseconds=3))");
  EXPECT_FAIL(PyNumber_FloorDivide(a, n0), PyExc_ZeroDivisionError,
              "integer division or modulo by zero");
  EXPECT_FAIL(PyNumber_TrueDivide(a, n0), PyExc_ZeroDivisionError,
              "integer division or modulo by zero");
  EXPECT_FAIL(PyNumber_TrueDivide(a, f00), PyExc_ZeroDivisionError,
              "integer division or modulo by zero");
  PyObject* one_s = mk("timedelta", Py_BuildValue("(ii)", 0, 1), NULL);
  EXPECT_REPR(PyNumber_Multiply(f05, one_s), "datetime.timedelta(microseconds=500000)");
  PyObject* three_us = mk("timedelta", Py_BuildValue("(iii)", 0, 0, 3), NULL);
  PyObject* n2 = PyLong_FromLong(2);
  EXPECT_REPR(PyNumber_TrueDivide(three_us, n2), "datetime.timedelta(microseconds=2)");
  EXPECT_REPR(PyNumber_Negative(a), "datetime.timedelta(days=-2, seconds=86397, microseconds=999997)");
  PyObject* neg = mk("timedelta", Py_BuildValue("(ii)", -1, 3), NULL);
  EXPECT_REPR(PyNumber_Absolute(neg), "datetime.timedelta(seconds=86397)");
  EXPECT_REPR(PyObject_CallMethod(a, "total_seconds", NULL), "86402.000003");
  EXPECT_REPR(PyNumber_Add(a, seven), "datetime.timedelta(days=1, seconds=9, microseconds=3)");
  EXPECT_REPR(PyNumber_Subtract(seven, a),
              "datetime.timedelta(days=-1, seconds=4, microseconds=999997)");
  EXPECT_FAIL(PyNumber_Add(a, n3), PyExc_TypeError,
              "unsupported operand type(s) for +: 'datetime.timedelta' and 'int'");
  CHECK(PyObject_IsTrue(a) == 1);
  PyObject* z = mk("timedelta", Py_BuildValue("()"), NULL);
  CHECK(PyObject_IsTrue(z) == 0);
  CHECK(PyObject_RichCompareBool(seven, a, Py_LT) == 1);
  CHECK(PyObject_RichCompareBool(a, a, Py_EQ) == 1);
  CHECK(PyObject_RichCompareBool(a, n3, Py_EQ) == 0);
  PyObject* a2 = mk("timedelta", Py_BuildValue("()"),
                    Py_BuildValue("{s:i,s:i}", "seconds", 86402, "microseconds", 3));
  CHECK(PyObject_RichCompareBool(a, a2, Py_EQ) == 1);
  CHECK(PyObject_Hash(a) == PyObject_Hash(a2));
  /* class attributes */
  PyObject* td = T("timedelta");
  EXPECT_REPR(PyObject_GetAttrString(td, "max"),
              "datetime.timedelta(days=999999999, seconds=86399, microseconds=999999)");
  EXPECT_REPR(PyObject_GetAttrString(td, "min"), "datetime.timedelta(days=-999999999)");
  EXPECT_REPR(PyObject_GetAttrString(td, "resolution"), "datetime.timedelta(microseconds=1)");
  PyObject* max = PyObject_GetAttrString(td, "max");
  PyObject* day = mk("timedelta", Py_BuildValue("(i)", 1), NULL);
  EXPECT_FAIL(PyNumber_Add(max, day), PyExc_OverflowError,
              "days=1000000000; must have magnitude <= 999999999");
  PyObject* attr = PyObject_GetAttrString(a, "seconds");
  CHECK_EQ_LL(PyLong_AsLong(attr), 2);
  Py_DECREF(attr);
  Py_DECREF(max);
  Py_DECREF(day);
  Py_DECREF(td);
  Py_DECREF(a2);
  Py_DECREF(z);
  Py_DECREF(neg);
  Py_DECREF(n2);
  Py_DECREF(three_us);
  Py_DECREF(one_s);
  Py_DECREF(a);
  Py_DECREF(seven);
  Py_DECREF(n3);
  Py_DECREF(n7);
  Py_DECREF(n0);
  Py_DECREF(f03);
  Py_DECREF(f00);
  Py_DECREF(f05);
}

/* ---- date ------------------------------------------------------------------------ */

static void test_date(void) {
  EXPECT_FAIL(mk("date", Py_BuildValue("(iii)", 0, 1, 1), NULL), PyExc_ValueError,
              "year 0 is out of range");
  EXPECT_FAIL(mk("date", Py_BuildValue("(iii)", 2024, 2, 30), NULL), PyExc_ValueError,
              "day is out of range for month");
  EXPECT_FAIL(mk("date", Py_BuildValue("(si)", "a", 1), NULL), PyExc_TypeError,
              "'str' object cannot be interpreted as an integer");
  EXPECT_REPR(mk("date", Py_BuildValue("()"),
                 Py_BuildValue("{s:i,s:i,s:i}", "day", 2, "month", 1, "year", 2024)),
              "datetime.date(2024, 1, 2)");
  PyObject* d = mk("date", Py_BuildValue("(iii)", 2024, 5, 17), NULL);
  EXPECT_STR(Py_NewRef(d), "2024-05-17");
  EXPECT_REPR(meth(d, "weekday"), "4");
  EXPECT_REPR(meth(d, "isoweekday"), "5");
  EXPECT_REPR(meth(d, "toordinal"), "739023");
  EXPECT_REPR(meth(d, "ctime"), "'Fri May 17 00:00:00 2024'");
  EXPECT_REPR(meth(d, "isoformat"), "'2024-05-17'");
  EXPECT_REPR(PyObject_GetAttrString(d, "month"), "5");
  EXPECT_REPR(PyObject_CallMethod(d, "strftime", "s", "%d/%m/%Y %a %j"), "'17/05/2024 Fri 138'");
  EXPECT_REPR(PyObject_Format(d, NULL), "'2024-05-17'");
  PyObject* spec = PyUnicode_FromString("%d/%m");
  EXPECT_REPR(PyObject_Format(d, spec), "'17/05'");
  Py_DECREF(spec);
  PyObject* date_t = T("date");
  EXPECT_REPR(PyObject_CallMethod(date_t, "fromordinal", "i", 739023), "datetime.date(2024, 5, 17)");
  EXPECT_FAIL(PyObject_CallMethod(date_t, "fromordinal", "i", 0), PyExc_ValueError,
              "ordinal must be >= 1");
  EXPECT_REPR(PyObject_CallMethod(date_t, "fromisoformat", "s", "2024-05-17"),
              "datetime.date(2024, 5, 17)");
  EXPECT_REPR(PyObject_CallMethod(date_t, "fromisoformat", "s", "20240517"),
              "datetime.date(2024, 5, 17)");
  EXPECT_FAIL(PyObject_CallMethod(date_t, "fromisoformat", "s", "2024-05-17X"), PyExc_ValueError,
              "Invalid isoformat string: '2024-05-17X'");
  EXPECT_REPR(PyObject_GetAttrString(date_t, "min"), "datetime.date(1, 1, 1)");
  EXPECT_REPR(PyObject_GetAttrString(date_t, "max"), "datetime.date(9999, 12, 31)");
  PyObject* today = meth(date_t, "today");
  CHECK(today != NULL && PyDate_CheckExact(today) && PyDateTime_GET_YEAR(today) >= 2024);
  Py_DECREF(today);
  Py_DECREF(date_t);
  /* iso calendar */
  PyObject* d21 = PyDate_FromDate(2021, 1, 1);
  EXPECT_REPR(meth(d21, "isocalendar"), "(2020, 53, 5)");
  Py_DECREF(d21);
  PyObject* d24 = PyDate_FromDate(2024, 12, 30);
  EXPECT_REPR(meth(d24, "isocalendar"), "(2025, 1, 1)");
  Py_DECREF(d24);
  /* replace */
  PyObject* leap = PyDate_FromDate(2024, 2, 29);
  PyObject* rargs = PyTuple_New(0);
  PyObject* kw = Py_BuildValue("{s:i}", "year", 2023);
  PyObject* replace = PyObject_GetAttrString(leap, "replace");
  EXPECT_FAIL(PyObject_Call(replace, rargs, kw), PyExc_ValueError, "day is out of range for month");
  Py_DECREF(kw);
  kw = Py_BuildValue("{s:i}", "month", 3);
  EXPECT_REPR(PyObject_Call(replace, rargs, kw), "datetime.date(2024, 3, 29)");
  Py_DECREF(kw);
  Py_DECREF(replace);
  Py_DECREF(rargs);
  /* arithmetic and comparison */
  PyObject* d2 = PyDate_FromDate(2023, 1, 2);
  PyObject* d1 = PyDate_FromDate(2024, 1, 2);
  EXPECT_REPR(PyNumber_Subtract(d1, d2), "datetime.timedelta(days=365)");
  PyObject* secs = PyDelta_FromDSU(0, 86399, 0);
  PyObject* jan1 = PyDate_FromDate(2024, 1, 1);
  EXPECT_REPR(PyNumber_Add(jan1, secs), "datetime.date(2024, 1, 1)");
  PyObject* three = PyDelta_FromDSU(3, 0, 0);
  EXPECT_REPR(PyNumber_Add(three, d1), "datetime.date(2024, 1, 5)");
  PyObject* minus1 = PyDelta_FromDSU(1, 0, 0);
  PyObject* first = PyDate_FromDate(1, 1, 1);
  EXPECT_FAIL(PyNumber_Subtract(first, minus1), PyExc_OverflowError, "date value out of range");
  PyObject* dt = PyDateTime_FromDateAndTime(2024, 1, 2, 0, 0, 0, 0);
  CHECK(PyObject_RichCompareBool(d1, dt, Py_EQ) == 0);
  CHECK(PyObject_RichCompareBool(d1, dt, Py_NE) == 1);
  EXPECT_FAIL(PyObject_RichCompare(d1, dt, Py_LT), PyExc_TypeError,
              "'<' not supported between instances of 'datetime.date' and 'datetime.datetime'");
  EXPECT_FAIL(PyNumber_Subtract(d1, dt), PyExc_TypeError,
              "unsupported operand type(s) for -: 'datetime.date' and 'datetime.datetime'");
  CHECK(PyObject_RichCompareBool(d2, d1, Py_LT) == 1);
  PyObject* d1b = mk("date", Py_BuildValue("(iii)", 2024, 1, 2), NULL);
  CHECK(PyObject_RichCompareBool(d1, d1b, Py_EQ) == 1);
  CHECK(PyObject_Hash(d1) == PyObject_Hash(d1b));
  Py_DECREF(d1b);
  Py_DECREF(dt);
  Py_DECREF(first);
  Py_DECREF(minus1);
  Py_DECREF(three);
  Py_DECREF(jan1);
  Py_DECREF(secs);
  Py_DECREF(d1);
  Py_DECREF(d2);
  Py_DECREF(leap);
  Py_DECREF(d);

  /* a static C subtype of date */
  PyObject* md = PyObject_CallFunction((PyObject*)&MyDateType, "iii", 2024, 1, 2);
  CHECK(md != NULL && PyDate_Check(md) && !PyDate_CheckExact(md));
  CHECK_EQ_LL(PyDateTime_GET_DAY(md), 2);
  PyObject* three2 = PyDelta_FromDSU(3, 0, 0);
  PyObject* later = PyNumber_Add(md, three2);
  CHECK(later != NULL && Py_IS_TYPE(later, &MyDateType)); /* arithmetic keeps the subclass */
  EXPECT_REPR(later, "ext_datetime_test.MyDate(2024, 1, 5)");
  PyObject* made = PyDateTimeAPI->Date_FromDate(2024, 6, 7, &MyDateType);
  CHECK(made != NULL && Py_IS_TYPE(made, &MyDateType));
  EXPECT_STR(made, "2024-06-07");
  Py_DECREF(three2);
  Py_DECREF(md);
}

/* ---- time ------------------------------------------------------------------------ */

static void test_time(void) {
  EXPECT_REPR(mk("time", Py_BuildValue("()"), NULL), "datetime.time(0, 0)");
  EXPECT_FAIL(mk("time", Py_BuildValue("()"), Py_BuildValue("{s:i}", "fold", 2)), PyExc_ValueError,
              "fold must be either 0 or 1");
  PyObject* off = PyDelta_FromDSU(0, -5 * 3600, 0);
  PyObject* name = PyUnicode_FromString("EST");
  PyObject* est = PyTimeZone_FromOffsetAndName(off, name);
  EXPECT_REPR(mk("time", Py_BuildValue("(ii)", 1, 2), Py_BuildValue("{s:i,s:O}", "fold", 1, "tzinfo", est)),
              "datetime.time(1, 2, tzinfo=datetime.timezone(datetime.timedelta(days=-1, "
              "seconds=68400), 'EST'), fold=1)");
  PyObject* t = PyDateTimeAPI->Time_FromTime(1, 2, 3, 4, PyDateTime_TimeZone_UTC,
                                             PyDateTimeAPI->TimeType);
  EXPECT_REPR(PyObject_CallMethod(t, "isoformat", "s", "minutes"), "'01:02+00:00'");
  EXPECT_STR(Py_NewRef(t), "01:02:03.000004+00:00");
  EXPECT_REPR(meth(t, "utcoffset"), "datetime.timedelta(0)");
  EXPECT_REPR(meth(t, "tzname"), "'UTC'");
  PyObject* noon = PyTime_FromTime(12, 0, 0, 0);
  EXPECT_REPR(PyObject_CallMethod(noon, "strftime", "s", "%H %p"), "'12 PM'");
  PyObject* naive1 = PyTime_FromTime(1, 0, 0, 0);
  PyObject* aware1 = PyDateTimeAPI->Time_FromTime(1, 0, 0, 0, PyDateTime_TimeZone_UTC,
                                                  PyDateTimeAPI->TimeType);
  EXPECT_FAIL(PyObject_RichCompare(naive1, aware1, Py_LT), PyExc_TypeError,
              "can't compare offset-naive and offset-aware times");
  CHECK(PyObject_RichCompareBool(naive1, aware1, Py_EQ) == 0);
  PyObject* plus1 = PyDelta_FromDSU(0, 3600, 0);
  PyObject* cet = PyTimeZone_FromOffset(plus1);
  PyObject* one_cet = PyDateTimeAPI->Time_FromTime(1, 0, 0, 0, cet, PyDateTimeAPI->TimeType);
  PyObject* zero_utc = PyDateTimeAPI->Time_FromTime(0, 0, 0, 0, PyDateTime_TimeZone_UTC,
                                                    PyDateTimeAPI->TimeType);
  CHECK(PyObject_RichCompareBool(one_cet, zero_utc, Py_EQ) == 1);
  CHECK(PyObject_Hash(one_cet) == PyObject_Hash(zero_utc));
  PyObject* time_t_ = T("time");
  EXPECT_REPR(PyObject_CallMethod(time_t_, "fromisoformat", "s", "01:02:03.5"),
              "datetime.time(1, 2, 3, 500000)");
  EXPECT_REPR(PyObject_CallMethod(time_t_, "fromisoformat", "s", "T01:02"), "datetime.time(1, 2)");
  EXPECT_REPR(PyObject_GetAttrString(time_t_, "max"), "datetime.time(23, 59, 59, 999999)");
  PyObject* rargs = PyTuple_New(0);
  PyObject* kw = Py_BuildValue("{s:i,s:i}", "second", 9, "fold", 1);
  PyObject* t123 = PyTime_FromTime(1, 2, 3, 0);
  PyObject* replace = PyObject_GetAttrString(t123, "replace");
  EXPECT_REPR(PyObject_Call(replace, rargs, kw), "datetime.time(1, 2, 9, fold=1)");
  Py_DECREF(kw);
  kw = Py_BuildValue("{s:i}", "hour", 24);
  EXPECT_FAIL(PyObject_Call(replace, rargs, kw), PyExc_ValueError, "hour must be in 0..23");
  Py_DECREF(kw);
  Py_DECREF(replace);
  Py_DECREF(t123);
  Py_DECREF(rargs);
  Py_DECREF(time_t_);
  Py_DECREF(zero_utc);
  Py_DECREF(one_cet);
  Py_DECREF(cet);
  Py_DECREF(plus1);
  Py_DECREF(aware1);
  Py_DECREF(naive1);
  Py_DECREF(noon);
  Py_DECREF(t);
  Py_DECREF(est);
  Py_DECREF(name);
  Py_DECREF(off);
}

/* ---- timezone and tzinfo -------------------------------------------------------- */

static void test_timezone(void) {
  PyObject* tz_t = T("timezone");
  PyObject* day = PyDelta_FromDSU(1, 0, 0);
  EXPECT_FAIL(PyObject_CallFunctionObjArgs(tz_t, day, NULL), PyExc_ValueError,
              "offset must be a timedelta strictly between -timedelta(hours=24) and "
              "timedelta(hours=24), not datetime.timedelta(days=1).");
  PyObject* five = PyLong_FromLong(5);
  EXPECT_FAIL(PyObject_CallFunctionObjArgs(tz_t, five, NULL), PyExc_TypeError,
              "timezone() argument 1 must be datetime.timedelta, not int");
  PyObject* zero = PyDelta_FromDSU(0, 0, 0);
  EXPECT_FAIL(PyObject_CallFunctionObjArgs(tz_t, zero, five, NULL), PyExc_TypeError,
              "timezone() argument 2 must be str, not int");
  PyObject* utc_named = PyObject_CallFunction(tz_t, "Os", zero, "UTC");
  CHECK(utc_named != NULL && utc_named != PyDateTime_TimeZone_UTC);
  CHECK(PyObject_RichCompareBool(utc_named, PyDateTime_TimeZone_UTC, Py_EQ) == 1);
  Py_DECREF(utc_named);
  EXPECT_REPR(PyObject_GetAttrString(tz_t, "min"),
              "datetime.timezone(datetime.timedelta(days=-1, seconds=60))");
  EXPECT_REPR(PyObject_GetAttrString(tz_t, "max"),
              "datetime.timezone(datetime.timedelta(seconds=86340))");
  EXPECT_REPR(Py_NewRef(PyDateTime_TimeZone_UTC), "datetime.timezone.utc");
  EXPECT_STR(Py_NewRef(PyDateTime_TimeZone_UTC), "UTC");
  PyObject* odd = PyDelta_FromDSU(0, -3630, -5);
  EXPECT_STR(PyTimeZone_FromOffset(odd), "UTC-01:00:30.000005");
  EXPECT_FAIL(PyObject_CallMethod(PyDateTime_TimeZone_UTC, "tzname", "i", 5), PyExc_TypeError,
              "tzname(dt) argument must be a datetime instance or None, not int");
  PyObject* hour = PyDelta_FromDSU(0, 3600, 0);
  PyObject* x = PyObject_CallFunction(tz_t, "Os", hour, "X");
  PyObject* plain = PyTimeZone_FromOffset(hour);
  CHECK(PyObject_RichCompareBool(x, plain, Py_EQ) == 1);
  CHECK(PyObject_Hash(x) == PyObject_Hash(plain));
  EXPECT_FAIL(PyObject_RichCompare(x, plain, Py_LT), PyExc_TypeError,
              "'<' not supported between instances of 'datetime.timezone' and 'datetime.timezone'");
  PyObject* naive = PyDateTime_FromDateAndTime(2024, 1, 1, 0, 0, 0, 0);
  EXPECT_FAIL(PyObject_CallMethod(plain, "fromutc", "O", naive), PyExc_ValueError,
              "fromutc: dt.tzinfo is not self");
  EXPECT_FAIL(PyObject_CallMethod(plain, "fromutc", "i", 5), PyExc_TypeError,
              "fromutc: argument must be a datetime");
  /* the abstract base */
  PyObject* base = PyObject_CallNoArgs((PyObject*)PyDateTimeAPI->TZInfoType);
  CHECK(base != NULL && PyTZInfo_CheckExact(base));
  EXPECT_FAIL(PyObject_CallMethod(base, "utcoffset", "O", Py_None), PyExc_NotImplementedError,
              "a tzinfo subclass must implement utcoffset()");
  EXPECT_FAIL(PyObject_CallMethod(base, "dst", "O", Py_None), PyExc_NotImplementedError,
              "a tzinfo subclass must implement dst()");
  EXPECT_FAIL(PyObject_CallMethod(base, "tzname", "O", Py_None), PyExc_NotImplementedError,
              "a tzinfo subclass must implement tzname()");
  Py_DECREF(base);
  Py_DECREF(naive);
  Py_DECREF(plain);
  Py_DECREF(x);
  Py_DECREF(hour);
  Py_DECREF(odd);
  Py_DECREF(zero);
  Py_DECREF(five);
  Py_DECREF(day);
  Py_DECREF(tz_t);

  /* the C tzinfo subtype */
  PyObject* fix = new_fixed(90);
  CHECK(PyTZInfo_Check(fix));
  PyObject* dt = PyDateTimeAPI->DateTime_FromDateAndTime(2024, 1, 1, 12, 0, 0, 0, fix,
                                                         PyDateTimeAPI->DateTimeType);
  CHECK(dt != NULL && PyDateTime_DATE_GET_TZINFO(dt) == fix);
  EXPECT_REPR(meth(dt, "utcoffset"), "datetime.timedelta(seconds=5400)");
  EXPECT_REPR(meth(dt, "tzname"), "'FIX+90'");
  EXPECT_REPR(meth(dt, "dst"), "datetime.timedelta(0)");
  EXPECT_REPR(meth(dt, "isoformat"), "'2024-01-01T12:00:00+01:30'");
  EXPECT_REPR(PyObject_CallMethod(dt, "astimezone", "O", PyDateTime_TimeZone_UTC),
              "datetime.datetime(2024, 1, 1, 10, 30, tzinfo=datetime.timezone.utc)");
  /* tzinfo.fromutc (the base's algorithm) through astimezone */
  PyObject* utc_dt = PyDateTimeAPI->DateTime_FromDateAndTime(2024, 1, 1, 10, 30, 0, 0,
                                                             PyDateTime_TimeZone_UTC,
                                                             PyDateTimeAPI->DateTimeType);
  PyObject* back = PyObject_CallMethod(utc_dt, "astimezone", "O", fix);
  CHECK(back != NULL && PyObject_RichCompareBool(back, dt, Py_EQ) == 1);
  CHECK_EQ_LL(PyDateTime_DATE_GET_HOUR(back), 12);
  CHECK(PyObject_Hash(back) == PyObject_Hash(utc_dt));
  Py_DECREF(back);
  Py_DECREF(utc_dt);
  Py_DECREF(dt);
  Py_DECREF(fix);
  PyObject* bad = new_fixed(9999);
  dt = PyDateTimeAPI->DateTime_FromDateAndTime(2024, 1, 1, 0, 0, 0, 0, bad,
                                               PyDateTimeAPI->DateTimeType);
  EXPECT_FAIL(meth(dt, "utcoffset"), PyExc_TypeError,
              "tzinfo.utcoffset() must return None or timedelta, not 'int'");
  EXPECT_FAIL(meth(dt, "tzname"), PyExc_TypeError,
              "tzinfo.tzname() must return None or a string, not 'int'");
  EXPECT_FAIL(meth(dt, "isoformat"), PyExc_TypeError,
              "tzinfo.utcoffset() must return None or timedelta, not 'int'");
  Py_DECREF(dt);
  Py_DECREF(bad);
  PyObject* day_tz = new_fixed(1440);
  dt = PyDateTimeAPI->DateTime_FromDateAndTime(2024, 1, 1, 0, 0, 0, 0, day_tz,
                                               PyDateTimeAPI->DateTimeType);
  EXPECT_FAIL(meth(dt, "utcoffset"), PyExc_ValueError,
              "offset must be a timedelta strictly between -timedelta(hours=24) and "
              "timedelta(hours=24).");
  Py_DECREF(dt);
  Py_DECREF(day_tz);
}

/* ---- datetime ---------------------------------------------------------------------- */

static void test_datetime(void) {
  EXPECT_REPR(mk("datetime", Py_BuildValue("(iiiiii)", 2024, 1, 2, 3, 4, 5), NULL),
              "datetime.datetime(2024, 1, 2, 3, 4, 5)");
  EXPECT_REPR(mk("datetime", Py_BuildValue("(iii)", 2024, 1, 2), NULL),
              "datetime.datetime(2024, 1, 2, 0, 0)");
  EXPECT_FAIL(mk("datetime", Py_BuildValue("(iii)", 2024, 1, 1), Py_BuildValue("{s:i}", "tzinfo", 1)),
              PyExc_TypeError, "tzinfo argument must be None or of a tzinfo subclass, not type 'int'");
  PyObject* dt = PyDateTime_FromDateAndTime(2024, 1, 2, 3, 4, 5, 6);
  EXPECT_REPR(PyObject_CallMethod(dt, "isoformat", "ss", " ", "milliseconds"),
              "'2024-01-02 03:04:05.000'");
  EXPECT_FAIL(PyObject_CallMethod(dt, "isoformat", "ss", "T", "x"), PyExc_ValueError,
              "Unknown timespec value");
  EXPECT_STR(Py_NewRef(dt), "2024-01-02 03:04:05.000006");
  EXPECT_REPR(meth(dt, "ctime"), "'Tue Jan  2 03:04:05 2024'");
  EXPECT_REPR(meth(dt, "date"), "datetime.date(2024, 1, 2)");
  EXPECT_REPR(meth(dt, "time"), "datetime.time(3, 4, 5, 6)");
  EXPECT_REPR(meth(dt, "utcoffset"), "None");
  EXPECT_REPR(PyObject_GetAttrString(dt, "year"), "2024");
  EXPECT_REPR(PyObject_GetAttrString(dt, "microsecond"), "6");
  EXPECT_REPR(PyObject_GetAttrString(dt, "tzinfo"), "None");
  PyObject* five = PyLong_FromLong(5);
  EXPECT_FAIL(PyNumber_Add(dt, five), PyExc_TypeError,
              "unsupported operand type(s) for +: 'datetime.datetime' and 'int'");
  Py_DECREF(five);
  PyObject* us1 = PyDelta_FromDSU(0, 0, 1);
  PyObject* jan2 = PyDateTime_FromDateAndTime(2024, 1, 2, 0, 0, 0, 0);
  EXPECT_REPR(PyNumber_Subtract(jan2, us1), "datetime.datetime(2024, 1, 1, 23, 59, 59, 999999)");
  PyObject* dtmin = PyDateTime_FromDateAndTime(1, 1, 1, 0, 0, 0, 0);
  EXPECT_FAIL(PyNumber_Subtract(dtmin, us1), PyExc_OverflowError, "date value out of range");
  PyObject* aware = PyDateTimeAPI->DateTime_FromDateAndTime(2024, 1, 2, 3, 4, 5, 6,
                                                            PyDateTime_TimeZone_UTC,
                                                            PyDateTimeAPI->DateTimeType);
  EXPECT_FAIL(PyObject_RichCompare(jan2, aware, Py_LT), PyExc_TypeError,
              "can't compare offset-naive and offset-aware datetimes");
  CHECK(PyObject_RichCompareBool(jan2, aware, Py_EQ) == 0);
  EXPECT_FAIL(PyNumber_Subtract(jan2, aware), PyExc_TypeError,
              "can't subtract offset-naive and offset-aware datetimes");
  EXPECT_REPR(meth(aware, "timetz"), "datetime.time(3, 4, 5, 6, tzinfo=datetime.timezone.utc)");
  EXPECT_REPR(meth(aware, "tzname"), "'UTC'");
  EXPECT_REPR(meth(aware, "dst"), "None");
  PyObject* m3 = PyDelta_FromDSU(0, -(3 * 3600 + 1), 0);
  PyObject* tz_m3 = PyTimeZone_FromOffset(m3);
  PyObject* odd = PyDateTimeAPI->DateTime_FromDateAndTime(2024, 1, 2, 3, 4, 5, 6, tz_m3,
                                                          PyDateTimeAPI->DateTimeType);
  EXPECT_STR(odd, "2024-01-02 03:04:05.000006-03:00:01");
  PyObject* p530 = PyDelta_FromDSU(0, 5 * 3600 + 30 * 60, 0);
  PyObject* tz_530 = PyTimeZone_FromOffset(p530);
  PyObject* ist = PyDateTimeAPI->DateTime_FromDateAndTime(2024, 1, 2, 3, 4, 5, 6, tz_530,
                                                          PyDateTimeAPI->DateTimeType);
  EXPECT_REPR(meth(ist, "isoformat"), "'2024-01-02T03:04:05.000006+05:30'");
  EXPECT_REPR(PyObject_CallMethod(ist, "strftime", "s", "%Y-%m-%d %H:%M:%S.%f %z %:z %Z %%"),
              "'2024-01-02 03:04:05.000006 +0530 +05:30 UTC+05:30 %'");
  /* equal instants in two zones */
  PyObject* p2 = PyDelta_FromDSU(0, 7200, 0);
  PyObject* tz2 = PyTimeZone_FromOffset(p2);
  PyObject* noon2 = PyDateTimeAPI->DateTime_FromDateAndTime(2024, 1, 1, 12, 0, 0, 0, tz2,
                                                            PyDateTimeAPI->DateTimeType);
  PyObject* ten_utc = PyDateTimeAPI->DateTime_FromDateAndTime(2024, 1, 1, 10, 0, 0, 0,
                                                              PyDateTime_TimeZone_UTC,
                                                              PyDateTimeAPI->DateTimeType);
  CHECK(PyObject_RichCompareBool(noon2, ten_utc, Py_EQ) == 1);
  CHECK(PyObject_Hash(noon2) == PyObject_Hash(ten_utc));
  EXPECT_REPR(PyNumber_Subtract(noon2, ten_utc), "datetime.timedelta(0)");
  EXPECT_REPR(PyObject_CallMethod(noon2, "astimezone", "O", PyDateTime_TimeZone_UTC),
              "datetime.datetime(2024, 1, 1, 10, 0, tzinfo=datetime.timezone.utc)");
  EXPECT_REPR(meth(ten_utc, "timestamp"), "1704103200.0");
  /* local time is UTC here (TZ=UTC) */
  PyObject* noon = PyDateTime_FromDateAndTime(2024, 1, 1, 12, 0, 0, 0);
  EXPECT_REPR(PyObject_CallMethod(noon, "astimezone", "O", PyDateTime_TimeZone_UTC),
              "datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)");
  EXPECT_REPR(meth(noon, "astimezone"),
              "datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(0), "
              "'UTC'))");
  PyObject* ts = PyDateTime_FromDateAndTime(2023, 11, 14, 22, 13, 20, 250000);
  EXPECT_REPR(meth(ts, "timestamp"), "1700000000.25");
  Py_DECREF(ts);
  PyObject* dt_t = T("datetime");
  EXPECT_REPR(PyObject_CallMethod(dt_t, "fromtimestamp", "i", 0), "datetime.datetime(1970, 1, 1, 0, 0)");
  EXPECT_REPR(PyObject_CallMethod(dt_t, "fromtimestamp", "dO", -1.5, PyDateTime_TimeZone_UTC),
              "datetime.datetime(1969, 12, 31, 23, 59, 58, 500000, tzinfo=datetime.timezone.utc)");
  EXPECT_FAIL(PyObject_CallMethod(dt_t, "fromtimestamp", "d", NAN), PyExc_ValueError,
              "Invalid value NaN (not a number)");
  EXPECT_FAIL(PyObject_CallMethod(dt_t, "fromtimestamp", "d", 1e20), PyExc_OverflowError,
              "timestamp out of range for platform time_t");
  EXPECT_FAIL(PyObject_CallMethod(dt_t, "fromtimestamp", "s", "x"), PyExc_TypeError,
              "'str' object cannot be interpreted as an integer");
  EXPECT_REPR(PyObject_CallMethod(dt_t, "fromisoformat", "s", "2024-05-17T01:02:03.123+05:30"),
              "datetime.datetime(2024, 5, 17, 1, 2, 3, 123000, tzinfo=datetime.timezone("
              "datetime.timedelta(seconds=19800)))");
  EXPECT_REPR(PyObject_CallMethod(dt_t, "fromisoformat", "s", "2024-05-17 01:02:03Z"),
              "datetime.datetime(2024, 5, 17, 1, 2, 3, tzinfo=datetime.timezone.utc)");
  EXPECT_REPR(PyObject_CallMethod(dt_t, "fromisoformat", "s", "2024-05-17T01:02:03,5-0130"),
              "datetime.datetime(2024, 5, 17, 1, 2, 3, 500000, tzinfo=datetime.timezone("
              "datetime.timedelta(days=-1, seconds=81000)))");
  EXPECT_REPR(PyObject_CallMethod(dt_t, "fromisoformat", "s", "20240517T010203"),
              "datetime.datetime(2024, 5, 17, 1, 2, 3)");
  EXPECT_REPR(PyObject_CallMethod(dt_t, "fromisoformat", "s", "2024-05-17T01"),
              "datetime.datetime(2024, 5, 17, 1, 0)");
  EXPECT_REPR(PyObject_CallMethod(dt_t, "fromisoformat", "s", "2024-05-17T01:02:03.1234567"),
              "datetime.datetime(2024, 5, 17, 1, 2, 3, 123456)");
  EXPECT_FAIL(PyObject_CallMethod(dt_t, "fromisoformat", "s", "2024-05-17T25:00"),
              PyExc_ValueError, "hour must be in 0..23");
  EXPECT_FAIL(PyObject_CallMethod(dt_t, "fromisoformat", "i", 5), PyExc_TypeError,
              "fromisoformat: argument must be str");
  EXPECT_REPR(PyObject_GetAttrString(dt_t, "max"),
              "datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)");
  PyObject* d = PyDate_FromDate(2024, 1, 2);
  PyObject* t = PyDateTimeAPI->Time_FromTime(3, 4, 0, 0, PyDateTime_TimeZone_UTC,
                                             PyDateTimeAPI->TimeType);
  EXPECT_REPR(PyObject_CallMethod(dt_t, "combine", "OO", d, t),
              "datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.timezone.utc)");
  EXPECT_FAIL(PyObject_CallMethod(dt_t, "combine", "OOi", d, t, 5), PyExc_TypeError,
              "tzinfo argument must be None or of a tzinfo subclass, not type 'int'");
  PyObject* now = PyObject_CallMethod(dt_t, "now", "O", PyDateTime_TimeZone_UTC);
  CHECK(now != NULL && PyDateTime_GET_YEAR(now) >= 2024 &&
        PyDateTime_DATE_GET_TZINFO(now) == PyDateTime_TimeZone_UTC);
  Py_DECREF(now);
  now = meth(dt_t, "now");
  CHECK(now != NULL && PyDateTime_CheckExact(now) && !_PyDateTime_HAS_TZINFO(now));
  Py_DECREF(now);
  /* replace with keywords */
  PyObject* leap = PyDateTime_FromDateAndTime(2024, 2, 29, 1, 0, 0, 0);
  PyObject* replace = PyObject_GetAttrString(leap, "replace");
  PyObject* rargs = PyTuple_New(0);
  PyObject* kw = Py_BuildValue("{s:O,s:i,s:i}", "tzinfo", PyDateTime_TimeZone_UTC, "fold", 1,
                               "hour", 5);
  EXPECT_REPR(PyObject_Call(replace, rargs, kw),
              "datetime.datetime(2024, 2, 29, 5, 0, fold=1, tzinfo=datetime.timezone.utc)");
  Py_DECREF(kw);
  Py_DECREF(rargs);
  Py_DECREF(replace);
  Py_DECREF(leap);
  Py_DECREF(t);
  Py_DECREF(d);
  Py_DECREF(dt_t);
  Py_DECREF(noon);
  Py_DECREF(ten_utc);
  Py_DECREF(noon2);
  Py_DECREF(tz2);
  Py_DECREF(p2);
  Py_DECREF(ist);
  Py_DECREF(tz_530);
  Py_DECREF(p530);
  Py_DECREF(tz_m3);
  Py_DECREF(m3);
  Py_DECREF(aware);
  Py_DECREF(dtmin);
  Py_DECREF(jan2);
  Py_DECREF(us1);
  Py_DECREF(dt);
}

/* ---- threads ------------------------------------------------------------------------ */

static PyObject* g_shared_tz;               /* a FixedTZ(+90), shared by every thread */
static PyObject* g_seen_module[kThreads];   /* what each thread's import gave */
static void* g_seen_capi[kThreads];
static atomic_int g_gate;                   /* threads wait here, then import at once */

static void maybe_yield(unsigned* rnd) {
  if (ext_test_next_random(rnd) % 8 == 0) sched_yield();
}

static void* thread_main(void* arg) {
  const unsigned seed = (unsigned)(uintptr_t)arg;
  const int index = (int)(seed % kThreads);
  unsigned rnd = seed;
  PyGILState_STATE g = PyGILState_Ensure();
  atomic_fetch_add_explicit(&g_gate, 1, memory_order_acq_rel);
  while (atomic_load_explicit(&g_gate, memory_order_acquire) < kThreads) sched_yield();
  /* the first imports of this runtime, all at once */
  g_seen_capi[index] = PyCapsule_Import(PyDateTime_CAPSULE_NAME, 0);
  g_seen_module[index] = PyImport_ImportModule("datetime");
  PyObject* user = PyImport_ImportModule("dt_user");
  CHECK(g_seen_capi[index] != NULL && g_seen_module[index] != NULL && user != NULL);
  Py_DECREF(user);
  PyDateTime_CAPI* api = g_seen_capi[index];
  const long iterations = ext_test_scaled(2000, 50);
  for (long i = 0; i < iterations; i++) {
    const int y = 1 + (int)(ext_test_next_random(&rnd) % 9998), mo = 1 + (int)(ext_test_next_random(&rnd) % 12);
    const int d = 1 + (int)(ext_test_next_random(&rnd) % 28), h = (int)(ext_test_next_random(&rnd) % 24);
    const int mi = (int)(ext_test_next_random(&rnd) % 60), s = (int)(ext_test_next_random(&rnd) % 60);
    const int us = (int)(ext_test_next_random(&rnd) % 1000000);
    PyObject* a = api->DateTime_FromDateAndTime(y, mo, d, h, mi, s, us, g_shared_tz, api->DateTimeType);
    CHECK(a != NULL);
    maybe_yield(&rnd);
    /* the same value made by calling the type with keywords */
    PyObject* args = Py_BuildValue("(iii)", y, mo, d);
    PyObject* kw = Py_BuildValue("{s:i,s:i,s:i,s:i,s:O}", "hour", h, "minute", mi, "second", s,
                                 "microsecond", us, "tzinfo", g_shared_tz);
    PyObject* b = PyObject_Call((PyObject*)api->DateTimeType, args, kw);
    Py_DECREF(args);
    Py_DECREF(kw);
    CHECK(b != NULL && PyObject_RichCompareBool(a, b, Py_EQ) == 1);
    CHECK(PyObject_Hash(a) == PyObject_Hash(b));
    /* the text */
    char expected[96];
    snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d%s+01:30", y, mo, d, h, mi, s,
             "");
    if (us) {
      snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%06d+01:30", y, mo, d, h,
               mi, s, us);
    }
    PyObject* iso = PyObject_CallMethod(a, "isoformat", NULL);
    CHECK(iso != NULL && strcmp(PyUnicode_AsUTF8(iso), expected) == 0);
    Py_DECREF(iso);
    maybe_yield(&rnd);
    /* the same instant in UTC: equal, same hash, 90 minutes earlier */
    if (y > 1) {
      PyObject* u = PyObject_CallMethod(a, "astimezone", "O", api->TimeZone_UTC);
      CHECK(u != NULL && PyObject_RichCompareBool(u, a, Py_EQ) == 1);
      CHECK(PyObject_Hash(u) == PyObject_Hash(a));
      const int local_min = h * 60 + mi, utc_min = PyDateTime_DATE_GET_HOUR(u) * 60 + PyDateTime_DATE_GET_MINUTE(u);
      CHECK_EQ_LL(((local_min - utc_min) % 1440 + 1440) % 1440, 90);
      Py_DECREF(u);
    }
    /* arithmetic round trip */
    PyObject* delta = api->Delta_FromDelta((int)(ext_test_next_random(&rnd) % 1000), (int)(ext_test_next_random(&rnd) % 86400),
                                           (int)(ext_test_next_random(&rnd) % 1000000), 1, api->DeltaType);
    PyObject* later = PyNumber_Add(a, delta);
    if (later != NULL) {
      PyObject* diff = PyNumber_Subtract(later, a);
      CHECK(diff != NULL && PyObject_RichCompareBool(diff, delta, Py_EQ) == 1);
      CHECK(PyObject_RichCompareBool(later, a, Py_GE) == 1);
      Py_DECREF(diff);
      Py_DECREF(later);
    } else {
      ext_test_expect_error(PyExc_OverflowError, "date value out of range");
    }
    Py_DECREF(delta);
    Py_DECREF(b);
    Py_DECREF(a);
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_threads(unsigned seed) {
  g_shared_tz = new_fixed(90);
  atomic_store_explicit(&g_gate, 0, memory_order_relaxed);
  const int inits_before = atomic_load_explicit(&g_user_inits, memory_order_relaxed);
  ext_test_run_threads(kThreads, thread_main, seed);
  for (int i = 1; i < kThreads; i++) {
    CHECK(g_seen_module[i] == g_seen_module[0]);
    CHECK(g_seen_capi[i] == g_seen_capi[0]);
  }
  /* the appended module was initialised once for all the threads */
  CHECK_EQ_LL(atomic_load_explicit(&g_user_inits, memory_order_relaxed) - inits_before, 1);
  for (int i = 0; i < kThreads; i++) Py_DECREF(g_seen_module[i]);
  Py_DECREF(g_shared_tz);
}

int main(void) {
  setenv("TZ", "UTC", 1);
  tzset();
  const unsigned seed = ext_test_seed();
  CHECK(PyImport_AppendInittab("dt_user", PyInit_dt_user) == 0);
  CHECK(PyImport_AppendInittab(NULL, PyInit_dt_user) == -1);

  /* cycle 1: everything, single-threaded */
  Py_Initialize();
  test_import();
  FixedTZType.tp_base = PyDateTimeAPI->TZInfoType;
  MyDateType.tp_base = PyDateTimeAPI->DateType;
  CHECK(PyType_Ready(&FixedTZType) == 0);
  CHECK(PyType_Ready(&MyDateType) == 0);
  test_capi();
  test_timedelta();
  test_date();
  test_time();
  test_timezone();
  test_datetime();
  Py_CLEAR(g_mod);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);

  /* cycle 2: a new runtime imports datetime again, from many threads at
   * once; the class attributes made in cycle 1 are still valid */
  Py_Initialize();
  test_threads(seed);
  PyDateTime_IMPORT;
  CHECK(PyDateTimeAPI != NULL);
  g_mod = PyImport_ImportModule("datetime");
  CHECK(g_mod != NULL);
  PyObject* td = T("timedelta");
  EXPECT_REPR(PyObject_GetAttrString(td, "max"),
              "datetime.timedelta(days=999999999, seconds=86399, microseconds=999999)");
  Py_DECREF(td);
  Py_CLEAR(g_mod);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
