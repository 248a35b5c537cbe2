/* The datetime C API (CPython 3.13's datetime.h): the object layouts of
 * date, time, datetime, timedelta and tzinfo, the macros that read their
 * fields, and the table of types and constructors the built-in `datetime`
 * module (ext_abi/datetime_module.c) hands out as the capsule
 * "datetime.datetime_CAPI". Not included by Python.h, as in CPython: an
 * extension includes it itself after Python.h and calls PyDateTime_IMPORT
 * once (in its module init) before using any macro below that goes through
 * PyDateTimeAPI.
 *
 * Layouts are CPython's, field for field, after ftrt's 32-byte
 * free-threaded PyObject header: the date and time fields are packed
 * big-endian into data[] (year 2 bytes, month, day, hour, minute, second 1
 * byte each, microsecond 3 bytes), so the GET macros read them without a
 * call. A time or datetime has a tzinfo field that is valid only when
 * hastzinfo is set (the macros give Py_None otherwise).
 *
 * Thread safety: every object of these types is immutable once made (the
 * cached hashcode is written with relaxed atomics by the module), so the
 * macros may be used from any attached thread. PyDateTimeAPI is a static
 * per translation unit, as in CPython: PyDateTime_IMPORT from several
 * threads at once stores the same pointer (the capsule's pointer is the
 * same table in every import) but is a plain write; call it once, before
 * starting threads, as extensions do in their init. */
#ifndef Py_LIMITED_API
#ifndef DATETIME_H
#define DATETIME_H

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of data[] for date, time and datetime. */
#define _PyDateTime_DATE_DATASIZE 4
#define _PyDateTime_TIME_DATASIZE 6
#define _PyDateTime_DATETIME_DATASIZE 10

typedef struct {
  PyObject_HEAD
  Py_hash_t hashcode;  /* -1 until computed */
  int days;            /* -999999999 <= days <= 999999999 */
  int seconds;         /* 0 <= seconds < 86400 */
  int microseconds;    /* 0 <= microseconds < 1000000 */
} PyDateTime_Delta;

typedef struct {
  PyObject_HEAD /* an abstract base class: no fields */
} PyDateTime_TZInfo;

/* The head of time and datetime (date has it too, hastzinfo unused). */
#define _PyTZINFO_HEAD \
  PyObject_HEAD        \
  Py_hash_t hashcode;  \
  char hastzinfo;

/* Never allocated: what to cast to for hastzinfo. */
typedef struct {
  _PyTZINFO_HEAD
} _PyDateTime_BaseTZInfo;

#define _PyDateTime_TIMEHEAD \
  _PyTZINFO_HEAD             \
  unsigned char data[_PyDateTime_TIME_DATASIZE];

/* A time without a tzinfo field (hastzinfo false). */
typedef struct {
  _PyDateTime_TIMEHEAD
} _PyDateTime_BaseTime;

typedef struct {
  _PyDateTime_TIMEHEAD
  unsigned char fold;
  PyObject* tzinfo;
} PyDateTime_Time;

typedef struct {
  _PyTZINFO_HEAD
  unsigned char data[_PyDateTime_DATE_DATASIZE];
} PyDateTime_Date;

#define _PyDateTime_DATETIMEHEAD \
  _PyTZINFO_HEAD                 \
  unsigned char data[_PyDateTime_DATETIME_DATASIZE];

/* A datetime without a tzinfo field (hastzinfo false). */
typedef struct {
  _PyDateTime_DATETIMEHEAD
} _PyDateTime_BaseDateTime;

typedef struct {
  _PyDateTime_DATETIMEHEAD
  unsigned char fold;
  PyObject* tzinfo;
} PyDateTime_DateTime;

/* ---- Field access (date and datetime; datetime; time; timedelta) ---- */

#define _PyDateTime_HAS_TZINFO(o) (((_PyDateTime_BaseTZInfo*)(o))->hastzinfo)

#define PyDateTime_GET_YEAR(o) \
  ((((PyDateTime_Date*)(o))->data[0] << 8) | ((PyDateTime_Date*)(o))->data[1])
#define PyDateTime_GET_MONTH(o) (((PyDateTime_Date*)(o))->data[2])
#define PyDateTime_GET_DAY(o) (((PyDateTime_Date*)(o))->data[3])

#define PyDateTime_DATE_GET_HOUR(o) (((PyDateTime_DateTime*)(o))->data[4])
#define PyDateTime_DATE_GET_MINUTE(o) (((PyDateTime_DateTime*)(o))->data[5])
#define PyDateTime_DATE_GET_SECOND(o) (((PyDateTime_DateTime*)(o))->data[6])
#define PyDateTime_DATE_GET_MICROSECOND(o)          \
  ((((PyDateTime_DateTime*)(o))->data[7] << 16) |   \
   (((PyDateTime_DateTime*)(o))->data[8] << 8) |    \
   ((PyDateTime_DateTime*)(o))->data[9])
#define PyDateTime_DATE_GET_FOLD(o) (((PyDateTime_DateTime*)(o))->fold)
#define PyDateTime_DATE_GET_TZINFO(o) \
  (_PyDateTime_HAS_TZINFO((o)) ? ((PyDateTime_DateTime*)(o))->tzinfo : Py_None)

#define PyDateTime_TIME_GET_HOUR(o) (((PyDateTime_Time*)(o))->data[0])
#define PyDateTime_TIME_GET_MINUTE(o) (((PyDateTime_Time*)(o))->data[1])
#define PyDateTime_TIME_GET_SECOND(o) (((PyDateTime_Time*)(o))->data[2])
#define PyDateTime_TIME_GET_MICROSECOND(o)      \
  ((((PyDateTime_Time*)(o))->data[3] << 16) |   \
   (((PyDateTime_Time*)(o))->data[4] << 8) |    \
   ((PyDateTime_Time*)(o))->data[5])
#define PyDateTime_TIME_GET_FOLD(o) (((PyDateTime_Time*)(o))->fold)
#define PyDateTime_TIME_GET_TZINFO(o) \
  (_PyDateTime_HAS_TZINFO(o) ? ((PyDateTime_Time*)(o))->tzinfo : Py_None)

#define PyDateTime_DELTA_GET_DAYS(o) (((PyDateTime_Delta*)(o))->days)
#define PyDateTime_DELTA_GET_SECONDS(o) (((PyDateTime_Delta*)(o))->seconds)
#define PyDateTime_DELTA_GET_MICROSECONDS(o) (((PyDateTime_Delta*)(o))->microseconds)

/* ---- The C API table (the capsule's pointer), in CPython's order ---- */
typedef struct {
  /* types */
  PyTypeObject* DateType;
  PyTypeObject* DateTimeType;
  PyTypeObject* TimeType;
  PyTypeObject* DeltaType;
  PyTypeObject* TZInfoType;

  /* timezone.utc */
  PyObject* TimeZone_UTC;

  /* constructors: the last argument is the type to make (a subtype is
   * called like a class) */
  PyObject* (*Date_FromDate)(int, int, int, PyTypeObject*);
  PyObject* (*DateTime_FromDateAndTime)(int, int, int, int, int, int, int, PyObject*,
                                        PyTypeObject*);
  PyObject* (*Time_FromTime)(int, int, int, int, PyObject*, PyTypeObject*);
  PyObject* (*Delta_FromDelta)(int, int, int, int, PyTypeObject*);
  PyObject* (*TimeZone_FromTimeZone)(PyObject* offset, PyObject* name);

  /* the DB API's: (cls, args tuple[, kwargs]) as the classmethods
   * fromtimestamp take them */
  PyObject* (*DateTime_FromTimestamp)(PyObject*, PyObject*, PyObject*);
  PyObject* (*Date_FromTimestamp)(PyObject*, PyObject*);

  /* PEP 495 */
  PyObject* (*DateTime_FromDateAndTimeAndFold)(int, int, int, int, int, int, int, PyObject*,
                                               int, PyTypeObject*);
  PyObject* (*Time_FromTimeAndFold)(int, int, int, int, PyObject*, int, PyTypeObject*);
} PyDateTime_CAPI;

#define PyDateTime_CAPSULE_NAME "datetime.datetime_CAPI"

/* The module's own source defines _PY_DATETIME_IMPL and uses none of the
 * capsule-based macros. */
#ifndef _PY_DATETIME_IMPL
static PyDateTime_CAPI* PyDateTimeAPI = NULL;

#define PyDateTime_IMPORT \
  PyDateTimeAPI = (PyDateTime_CAPI*)PyCapsule_Import(PyDateTime_CAPSULE_NAME, 0)

#define PyDateTime_TimeZone_UTC PyDateTimeAPI->TimeZone_UTC

#define PyDate_Check(op) PyObject_TypeCheck((op), PyDateTimeAPI->DateType)
#define PyDate_CheckExact(op) Py_IS_TYPE((op), PyDateTimeAPI->DateType)
#define PyDateTime_Check(op) PyObject_TypeCheck((op), PyDateTimeAPI->DateTimeType)
#define PyDateTime_CheckExact(op) Py_IS_TYPE((op), PyDateTimeAPI->DateTimeType)
#define PyTime_Check(op) PyObject_TypeCheck((op), PyDateTimeAPI->TimeType)
#define PyTime_CheckExact(op) Py_IS_TYPE((op), PyDateTimeAPI->TimeType)
#define PyDelta_Check(op) PyObject_TypeCheck((op), PyDateTimeAPI->DeltaType)
#define PyDelta_CheckExact(op) Py_IS_TYPE((op), PyDateTimeAPI->DeltaType)
#define PyTZInfo_Check(op) PyObject_TypeCheck((op), PyDateTimeAPI->TZInfoType)
#define PyTZInfo_CheckExact(op) Py_IS_TYPE((op), PyDateTimeAPI->TZInfoType)

#define PyDate_FromDate(year, month, day) \
  PyDateTimeAPI->Date_FromDate((year), (month), (day), PyDateTimeAPI->DateType)
#define PyDateTime_FromDateAndTime(year, month, day, hour, min, sec, usec)                    \
  PyDateTimeAPI->DateTime_FromDateAndTime((year), (month), (day), (hour), (min), (sec), (usec), \
                                          Py_None, PyDateTimeAPI->DateTimeType)
#define PyDateTime_FromDateAndTimeAndFold(year, month, day, hour, min, sec, usec, fold)     \
  PyDateTimeAPI->DateTime_FromDateAndTimeAndFold((year), (month), (day), (hour), (min),     \
                                                 (sec), (usec), Py_None, (fold),            \
                                                 PyDateTimeAPI->DateTimeType)
#define PyTime_FromTime(hour, minute, second, usecond)                                 \
  PyDateTimeAPI->Time_FromTime((hour), (minute), (second), (usecond), Py_None,        \
                               PyDateTimeAPI->TimeType)
#define PyTime_FromTimeAndFold(hour, minute, second, usecond, fold)                        \
  PyDateTimeAPI->Time_FromTimeAndFold((hour), (minute), (second), (usecond), Py_None,     \
                                      (fold), PyDateTimeAPI->TimeType)
#define PyDelta_FromDSU(days, seconds, useconds) \
  PyDateTimeAPI->Delta_FromDelta((days), (seconds), (useconds), 1, PyDateTimeAPI->DeltaType)
#define PyTimeZone_FromOffset(offset) PyDateTimeAPI->TimeZone_FromTimeZone((offset), NULL)
#define PyTimeZone_FromOffsetAndName(offset, name) \
  PyDateTimeAPI->TimeZone_FromTimeZone((offset), (name))

#define PyDateTime_FromTimestamp(args) \
  PyDateTimeAPI->DateTime_FromTimestamp((PyObject*)(PyDateTimeAPI->DateTimeType), (args), NULL)
#define PyDate_FromTimestamp(args) \
  PyDateTimeAPI->Date_FromTimestamp((PyObject*)(PyDateTimeAPI->DateType), (args))
#endif /* !_PY_DATETIME_IMPL */

#ifdef __cplusplus
}
#endif

#endif /* !DATETIME_H */
#endif /* !Py_LIMITED_API */
