/* ft_json: a small JSON reader and writer written the way C JSON
 * accelerators are (simplejson's _speedups, CPython's _json), for
 * ext_sjson_api_test. It uses the API they use, in their patterns:
 *
 *   - multi-phase init with per-module state, heap types made by
 *     PyType_FromModuleAndSpec and found again with PyType_GetModuleByDef,
 *     Py_T_OBJECT_EX members, GC slots, Py_mod_gil = Py_MOD_GIL_NOT_USED;
 *   - dependencies imported at exec time (PyImport_ImportModule of the
 *     host's "ft_json_support" for its DecodeError, and
 *     PyObject_CallMethod(module, "itemgetter", "i", 0));
 *   - Reader(context)(text, idx) -> (value, end): PEP 393 reading
 *     (PyUnicode_KIND / DATA / READ), PyUnicode_Substring, escapes with
 *     surrogate pairs, numbers handed to the context's parse_int /
 *     parse_float hooks (the int and float types themselves by default),
 *     keys interned through a memo dict (PyDict_SetDefaultRef), errors as
 *     DecodeError(msg, doc, pos) built with PyObject_CallFunction "(zOn)",
 *     the recursion guard, the reader's own critical section;
 *   - Writer(sort_keys, ensure_ascii)(obj) -> str: strings escaped into a
 *     PyUnicode_New buffer (PyUnicode_WRITE, MAX_CHAR_VALUE), ints through
 *     int(obj) then str, floats by repr, lists read by index and dicts by
 *     PyDict_Next inside their critical sections, sorted items by
 *     list.sort(key=itemgetter(0)) through PyObject_Call with keywords,
 *     cycles caught with PyLong_FromVoidPtr markers, a note added to the
 *     failure (PyErr_Fetch / NormalizeException / add_note / Restore),
 *     messages by PyErr_Format with "%.80s";
 *   - escape(s) (METH_O), and PyCFunction_Check / GetFunction to tell it. */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "Python.h"

typedef struct {
  PyObject* reader_type;
  PyObject* writer_type;
  PyObject* decode_error;
  PyObject* itemgetter0;
  PyObject* empty_str;
  PyObject* str_sort;
  PyObject* str_add_note;
  PyObject* sortargs;
} ModState;

static struct PyModuleDef g_def;

static ModState* State(PyObject* module) { return (ModState*)PyModule_GetState(module); }

static void raise_decode(ModState* st, const char* msg, PyObject* doc, Py_ssize_t pos) {
  PyObject* exc = PyObject_CallFunction(st->decode_error, "(zOn)", msg, doc, pos);
  if (exc != NULL) {
    PyErr_SetObject(st->decode_error, exc);
    Py_DECREF(exc);
  }
}

/* ---- Reader --------------------------------------------------------------- */

typedef struct {
  PyObject_HEAD PyObject* module;
  PyObject* parse_int;
  PyObject* parse_float;
  PyObject* memo;
} Reader;

static PyMemberDef reader_members[] = {
    {"parse_int", Py_T_OBJECT_EX, offsetof(Reader, parse_int), Py_READONLY, NULL},
    {"parse_float", Py_T_OBJECT_EX, offsetof(Reader, parse_float), Py_READONLY, NULL},
    {NULL},
};

typedef struct {
  Reader* r;
  ModState* st;
  PyObject* doc;
  int kind;
  const void* data;
  Py_ssize_t len;
} Cursor;

#define CH(c, i) PyUnicode_READ((c)->kind, (c)->data, (i))

static Py_ssize_t skip_ws(Cursor* c, Py_ssize_t i) {
  while (i < c->len) {
    Py_UCS4 ch = CH(c, i);
    if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') break;
    i++;
  }
  return i;
}

static PyObject* read_value(Cursor* c, Py_ssize_t i, Py_ssize_t* end);

static int hex4(Cursor* c, Py_ssize_t i, Py_UCS4* out) {
  Py_UCS4 v = 0;
  if (i + 4 > c->len) return -1;
  for (Py_ssize_t k = i; k < i + 4; k++) {
    Py_UCS4 ch = CH(c, k);
    v <<= 4;
    if (ch >= '0' && ch <= '9')
      v |= ch - '0';
    else if (ch >= 'a' && ch <= 'f')
      v |= ch - 'a' + 10;
    else if (ch >= 'A' && ch <= 'F')
      v |= ch - 'A' + 10;
    else
      return -1;
  }
  *out = v;
  return 0;
}

/* A string starting after its opening quote at i. */
static PyObject* read_string(Cursor* c, Py_ssize_t i, Py_ssize_t* end) {
  const Py_ssize_t begin = i - 1;
  Py_ssize_t run = i;
  PyObject* chunks = NULL;
  PyObject* piece = NULL;
  for (;;) {
    if (i >= c->len) {
      raise_decode(c->st, "Unterminated string starting at", c->doc, begin);
      goto fail;
    }
    Py_UCS4 ch = CH(c, i);
    if (ch != '"' && ch != '\\') {
      if (ch < 0x20) {
        raise_decode(c->st, "Invalid control character at", c->doc, i);
        goto fail;
      }
      i++;
      continue;
    }
    if (chunks == NULL && (chunks = PyList_New(0)) == NULL) goto fail;
    if (i > run) {
      piece = PyUnicode_Substring(c->doc, run, i);
      if (piece == NULL || PyList_Append(chunks, piece) < 0) goto fail;
      Py_CLEAR(piece);
    }
    if (ch == '"') {
      i++;
      break;
    }
    if (++i >= c->len) {
      raise_decode(c->st, "Unterminated string starting at", c->doc, begin);
      goto fail;
    }
    Py_UCS4 e = CH(c, i);
    Py_UCS4 out;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        out = e;
        i++;
        break;
      case 'b':
        out = '\b';
        i++;
        break;
      case 'f':
        out = '\f';
        i++;
        break;
      case 'n':
        out = '\n';
        i++;
        break;
      case 'r':
        out = '\r';
        i++;
        break;
      case 't':
        out = '\t';
        i++;
        break;
      case 'u': {
        if (hex4(c, i + 1, &out) < 0) {
          raise_decode(c->st, "Invalid \\uXXXX escape", c->doc, i - 1);
          goto fail;
        }
        i += 5;
        Py_UCS4 low;
        if ((out & 0xFC00) == 0xD800 && i + 1 < c->len && CH(c, i) == '\\' && CH(c, i + 1) == 'u' &&
            hex4(c, i + 2, &low) == 0 && (low & 0xFC00) == 0xDC00) {
          out = 0x10000 + (((out - 0xD800) << 10) | (low - 0xDC00));
          i += 6;
        }
        break;
      }
      default:
        raise_decode(c->st, "Invalid \\escape", c->doc, i - 1);
        goto fail;
    }
    piece = PyUnicode_FromOrdinal((int)out);
    if (piece == NULL || PyList_Append(chunks, piece) < 0) goto fail;
    Py_CLEAR(piece);
    run = i;
  }
  *end = i;
  if (chunks == NULL) return PyUnicode_Substring(c->doc, run, i - 1);
  PyObject* s = PyUnicode_Join(c->st->empty_str, chunks);
  Py_DECREF(chunks);
  return s;
fail:
  Py_XDECREF(piece);
  Py_XDECREF(chunks);
  return NULL;
}

static PyObject* read_number(Cursor* c, Py_ssize_t start, Py_ssize_t* end) {
  Py_ssize_t i = start;
  int is_float = 0;
  if (i < c->len && CH(c, i) == '-') i++;
  Py_ssize_t digits = i;
  while (i < c->len && CH(c, i) >= '0' && CH(c, i) <= '9') i++;
  if (i == digits) {
    raise_decode(c->st, "Expecting value", c->doc, start);
    return NULL;
  }
  if (i + 1 < c->len && CH(c, i) == '.' && CH(c, i + 1) >= '0' && CH(c, i + 1) <= '9') {
    is_float = 1;
    i += 2;
    while (i < c->len && CH(c, i) >= '0' && CH(c, i) <= '9') i++;
  }
  if (i < c->len && (CH(c, i) == 'e' || CH(c, i) == 'E')) {
    Py_ssize_t j = i + 1;
    if (j < c->len && (CH(c, j) == '+' || CH(c, j) == '-')) j++;
    Py_ssize_t exp_digits = j;
    while (j < c->len && CH(c, j) >= '0' && CH(c, j) <= '9') j++;
    if (j > exp_digits) {
      is_float = 1;
      i = j;
    }
  }
  PyObject* text = PyUnicode_Substring(c->doc, start, i);
  if (text == NULL) return NULL;
  PyObject* hook = is_float ? c->r->parse_float : c->r->parse_int;
  PyObject* v =
      hook == (PyObject*)&PyFloat_Type ? PyFloat_FromString(text) : PyObject_CallOneArg(hook, text);
  Py_DECREF(text);
  *end = i;
  return v;
}

static PyObject* read_container(Cursor* c, Py_ssize_t i, Py_ssize_t* end, int is_object) {
  const Py_UCS4 close = is_object ? '}' : ']';
  PyObject* out = is_object ? PyDict_New() : PyList_New(0);
  PyObject* key = NULL;
  PyObject* val = NULL;
  if (out == NULL) return NULL;
  i = skip_ws(c, i);
  if (i < c->len && CH(c, i) == close) {
    *end = i + 1;
    return out;
  }
  for (;;) {
    Py_ssize_t next;
    if (is_object) {
      if (i >= c->len || CH(c, i) != '"') {
        raise_decode(c->st, "Expecting property name enclosed in double quotes", c->doc, i);
        goto fail;
      }
      key = read_string(c, i + 1, &next);
      if (key == NULL) goto fail;
      /* one object per distinct key within a document */
      PyObject* canonical;
      if (PyDict_SetDefaultRef(c->r->memo, key, key, &canonical) < 0) goto fail;
      Py_SETREF(key, canonical);
      i = skip_ws(c, next);
      if (i >= c->len || CH(c, i) != ':') {
        raise_decode(c->st, "Expecting ':' delimiter", c->doc, i);
        goto fail;
      }
      i = skip_ws(c, i + 1);
    }
    val = read_value(c, i, &next);
    if (val == NULL) goto fail;
    if (is_object ? PyDict_SetItem(out, key, val) : PyList_Append(out, val)) goto fail;
    Py_CLEAR(key);
    Py_CLEAR(val);
    i = skip_ws(c, next);
    if (i < c->len && CH(c, i) == close) {
      *end = i + 1;
      return out;
    }
    if (i >= c->len || CH(c, i) != ',') {
      raise_decode(c->st, "Expecting ',' delimiter", c->doc, i);
      goto fail;
    }
    i = skip_ws(c, i + 1);
  }
fail:
  Py_XDECREF(key);
  Py_XDECREF(val);
  Py_DECREF(out);
  return NULL;
}

static int literal_at(Cursor* c, Py_ssize_t i, const char* word) {
  size_t n = strlen(word);
  if (i + (Py_ssize_t)n > c->len) return 0;
  for (size_t k = 0; k < n; k++) {
    if (CH(c, i + (Py_ssize_t)k) != (Py_UCS4)(unsigned char)word[k]) return 0;
  }
  return 1;
}

static PyObject* read_value(Cursor* c, Py_ssize_t i, Py_ssize_t* end) {
  if (i < 0 || i >= c->len) {
    raise_decode(c->st, "Expecting value", c->doc, i);
    return NULL;
  }
  Py_UCS4 ch = CH(c, i);
  PyObject* v;
  switch (ch) {
    case '"':
      return read_string(c, i + 1, end);
    case '{':
    case '[':
      if (Py_EnterRecursiveCall(" while decoding a JSON document")) return NULL;
      v = read_container(c, i + 1, end, ch == '{');
      Py_LeaveRecursiveCall();
      return v;
    default:
      break;
  }
  static const struct {
    const char* word;
    PyObject* value;
  } kWords[] = {{"null", Py_None}, {"true", Py_True}, {"false", Py_False}};
  for (size_t k = 0; k < 3; k++) {
    if (literal_at(c, i, kWords[k].word)) {
      *end = i + (Py_ssize_t)strlen(kWords[k].word);
      return Py_NewRef(kWords[k].value);
    }
  }
  return read_number(c, i, end);
}

static PyObject* reader_call(PyObject* self, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"string", "idx", NULL};
  PyObject* text;
  Py_ssize_t idx;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "On:read", kwlist, &text, &idx)) return NULL;
  if (!PyUnicode_Check(text)) {
    PyErr_Format(PyExc_TypeError, "first argument must be a string, not %.80s",
                 Py_TYPE(text)->tp_name);
    return NULL;
  }
  Reader* r = (Reader*)self;
  Cursor c = {r,
              State(r->module),
              text,
              PyUnicode_KIND(text),
              PyUnicode_DATA(text),
              PyUnicode_GET_LENGTH(text)};
  Py_ssize_t end = -1;
  PyObject* v;
  Py_BEGIN_CRITICAL_SECTION(self);
  v = read_value(&c, idx, &end);
  PyDict_Clear(r->memo);
  Py_END_CRITICAL_SECTION();
  if (v == NULL) return NULL;
  return Py_BuildValue("(Nn)", v, end);
}

static PyObject* reader_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"context", NULL};
  PyObject* ctx;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:Reader", kwlist, &ctx)) return NULL;
  Reader* r = (Reader*)type->tp_alloc(type, 0);
  if (r == NULL) return NULL;
  r->module = Py_XNewRef(PyType_GetModuleByDef(type, &g_def));
  if (r->module == NULL) goto fail;
  if ((r->memo = PyDict_New()) == NULL) goto fail;
  if ((r->parse_int = PyObject_GetAttrString(ctx, "parse_int")) == NULL) goto fail;
  if ((r->parse_float = PyObject_GetAttrString(ctx, "parse_float")) == NULL) goto fail;
  return (PyObject*)r;
fail:
  Py_DECREF(r);
  return NULL;
}

static int reader_traverse(PyObject* self, visitproc visit, void* arg) {
  Reader* r = (Reader*)self;
  Py_VISIT(Py_TYPE(self));
  Py_VISIT(r->module);
  Py_VISIT(r->parse_int);
  Py_VISIT(r->parse_float);
  Py_VISIT(r->memo);
  return 0;
}

static int reader_clear(PyObject* self) {
  Reader* r = (Reader*)self;
  Py_CLEAR(r->module);
  Py_CLEAR(r->parse_int);
  Py_CLEAR(r->parse_float);
  Py_CLEAR(r->memo);
  return 0;
}

static void reader_dealloc(PyObject* self) {
  PyTypeObject* tp = Py_TYPE(self);
  PyObject_GC_UnTrack(self);
  reader_clear(self);
  tp->tp_free(self);
  Py_DECREF(tp);
}

static PyType_Slot reader_slots[] = {
    {Py_tp_dealloc, reader_dealloc},
    {Py_tp_call, reader_call},
    {Py_tp_traverse, reader_traverse},
    {Py_tp_clear, reader_clear},
    {Py_tp_members, reader_members},
    {Py_tp_new, reader_new},
    {0, NULL},
};
static PyType_Spec reader_spec = {"ft_json.Reader", sizeof(Reader), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, reader_slots};

/* ---- escaping --------------------------------------------------------------- */

static int needs_escape(Py_UCS4 ch, int ascii) {
  return ch < 0x20 || ch == '"' || ch == '\\' || (ascii && ch > 0x7E);
}

/* Writes the escape of ch at out[*n] (kind/data of a str made big enough). */
static void put_escape(int kind, void* data, Py_ssize_t* n, Py_UCS4 ch) {
  static const char hex[] = "0123456789abcdef";
  PyUnicode_WRITE(kind, data, (*n)++, '\\');
  switch (ch) {
    case '"':
    case '\\':
      PyUnicode_WRITE(kind, data, (*n)++, ch);
      return;
    case '\n':
      PyUnicode_WRITE(kind, data, (*n)++, 'n');
      return;
    case '\t':
      PyUnicode_WRITE(kind, data, (*n)++, 't');
      return;
    case '\r':
      PyUnicode_WRITE(kind, data, (*n)++, 'r');
      return;
    case '\b':
      PyUnicode_WRITE(kind, data, (*n)++, 'b');
      return;
    case '\f':
      PyUnicode_WRITE(kind, data, (*n)++, 'f');
      return;
    default:
      break;
  }
  if (ch >= 0x10000) {
    Py_UCS4 v = ch - 0x10000;
    Py_UCS4 hi = 0xD800 | (v >> 10);
    PyUnicode_WRITE(kind, data, (*n)++, 'u');
    for (int s = 12; s >= 0; s -= 4) PyUnicode_WRITE(kind, data, (*n)++, hex[(hi >> s) & 0xF]);
    PyUnicode_WRITE(kind, data, (*n)++, '\\');
    ch = 0xDC00 | (v & 0x3FF);
  }
  PyUnicode_WRITE(kind, data, (*n)++, 'u');
  for (int s = 12; s >= 0; s -= 4) PyUnicode_WRITE(kind, data, (*n)++, hex[(ch >> s) & 0xF]);
}

static Py_ssize_t escape_size(Py_UCS4 ch) {
  if (ch == '"' || ch == '\\' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\b' ||
      ch == '\f') {
    return 2;
  }
  return ch >= 0x10000 ? 12 : 6;
}

/* "..." with JSON escapes; every non-ASCII character escaped if ascii. */
static PyObject* escape_str(PyObject* s, int ascii) {
  const int kind = PyUnicode_KIND(s);
  const void* data = PyUnicode_DATA(s);
  const Py_ssize_t len = PyUnicode_GET_LENGTH(s);
  Py_ssize_t size = 2;
  for (Py_ssize_t i = 0; i < len; i++) {
    Py_UCS4 ch = PyUnicode_READ(kind, data, i);
    size += needs_escape(ch, ascii) ? escape_size(ch) : 1;
  }
  Py_UCS4 maxchar = ascii ? 127 : PyUnicode_MAX_CHAR_VALUE(s);
  if (maxchar < 127) maxchar = 127;
  PyObject* out = PyUnicode_New(size, maxchar);
  if (out == NULL) return NULL;
  const int okind = PyUnicode_KIND(out);
  void* odata = PyUnicode_DATA(out);
  Py_ssize_t n = 0;
  PyUnicode_WRITE(okind, odata, n++, '"');
  for (Py_ssize_t i = 0; i < len; i++) {
    Py_UCS4 ch = PyUnicode_READ(kind, data, i);
    if (needs_escape(ch, ascii))
      put_escape(okind, odata, &n, ch);
    else
      PyUnicode_WRITE(okind, odata, n++, ch);
  }
  PyUnicode_WRITE(okind, odata, n++, '"');
  return out;
}

static PyObject* escape(PyObject* module, PyObject* s) {
  (void)module;
  if (!PyUnicode_Check(s)) {
    PyErr_Format(PyExc_TypeError, "first argument must be a string, not %.80s",
                 Py_TYPE(s)->tp_name);
    return NULL;
  }
  return escape_str(s, 1);
}

/* ---- Writer ------------------------------------------------------------------ */

typedef struct {
  PyObject_HEAD PyObject* module;
  PyObject* sort_keys;
  PyObject* markers;
  int sort;
  int ascii;
} Writer;

static PyMemberDef writer_members[] = {
    {"sort_keys", Py_T_OBJECT_EX, offsetof(Writer, sort_keys), Py_READONLY, NULL},
    {NULL},
};

static int write_obj(Writer* w, PyObject* out, PyObject* obj);

static int append_steal(PyObject* out, PyObject* piece) {
  if (piece == NULL) return -1;
  int rc = PyList_Append(out, piece);
  Py_DECREF(piece);
  return rc;
}

/* Adds a note to the exception being raised (PEP 678), keeping it. */
static void annotate(ModState* st, const char* format, ...) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  va_list ap;
  va_start(ap, format);
  PyObject* note = PyUnicode_FromFormatV(format, ap);
  va_end(ap);
  if (note != NULL && value != NULL) {
    PyObject* r = PyObject_CallMethodObjArgs(value, st->str_add_note, note, NULL);
    if (r == NULL) PyErr_Clear();
    Py_XDECREF(r);
  } else {
    PyErr_Clear();
  }
  Py_XDECREF(note);
  PyErr_Restore(type, value, tb);
}

static int push_marker(Writer* w, PyObject* obj, PyObject** ident) {
  *ident = PyLong_FromVoidPtr(obj);
  if (*ident == NULL) return -1;
  int has = PyDict_Contains(w->markers, *ident);
  if (has != 0) {
    if (has > 0) PyErr_SetString(PyExc_ValueError, "Circular reference detected");
    Py_CLEAR(*ident);
    return -1;
  }
  return PyDict_SetItem(w->markers, *ident, obj);
}

static int write_key(Writer* w, PyObject* out, PyObject* key) {
  if (PyUnicode_Check(key)) return append_steal(out, escape_str(key, w->ascii));
  PyObject* text;
  if (PyLong_Check(key)) {
    text = PyObject_Str(key);
  } else if (PyFloat_Check(key)) {
    text = PyObject_Repr(key);
  } else {
    PyErr_Format(PyExc_TypeError, "keys must be str, int or float, not %.100s",
                 Py_TYPE(key)->tp_name);
    return -1;
  }
  if (text == NULL) return -1;
  int rc = append_steal(out, escape_str(text, w->ascii));
  Py_DECREF(text);
  return rc;
}

static int write_dict(Writer* w, PyObject* out, PyObject* d) {
  ModState* st = State(w->module);
  int rc = 0;
  if (append_steal(out, PyUnicode_FromString("{")) < 0) return -1;
  if (!w->sort) {
    Py_ssize_t pos = 0, n = 0;
    PyObject *k, *v;
    Py_BEGIN_CRITICAL_SECTION(d);
    while (rc == 0 && PyDict_Next(d, &pos, &k, &v)) {
      Py_INCREF(k);
      Py_INCREF(v);
      if ((n++ && append_steal(out, PyUnicode_FromString(","))) || write_key(w, out, k) ||
          append_steal(out, PyUnicode_FromString(":")) || write_obj(w, out, v)) {
        annotate(st, "when writing %.80s item %R", Py_TYPE(d)->tp_name, k);
        rc = -1;
      }
      Py_DECREF(k);
      Py_DECREF(v);
    }
    Py_END_CRITICAL_SECTION();
  } else {
    PyObject* items = PyDict_Items(d);
    if (items == NULL) return -1;
    PyObject* sort = PyObject_GetAttr(items, st->str_sort);
    PyObject* kw = Py_BuildValue("{sO}", "key", st->itemgetter0);
    PyObject* done = sort && kw ? PyObject_Call(sort, st->sortargs, kw) : NULL;
    Py_XDECREF(sort);
    Py_XDECREF(kw);
    if (done == NULL) {
      Py_DECREF(items);
      return -1;
    }
    Py_DECREF(done);
    for (Py_ssize_t i = 0; rc == 0 && i < PyList_GET_SIZE(items); i++) {
      PyObject* pair = PyList_GET_ITEM(items, i);
      if ((i && append_steal(out, PyUnicode_FromString(","))) ||
          write_key(w, out, PyTuple_GET_ITEM(pair, 0)) ||
          append_steal(out, PyUnicode_FromString(":")) ||
          write_obj(w, out, PyTuple_GET_ITEM(pair, 1))) {
        rc = -1;
      }
    }
    Py_DECREF(items);
  }
  if (rc == 0) rc = append_steal(out, PyUnicode_FromString("}"));
  return rc;
}

static int write_list(Writer* w, PyObject* out, PyObject* seq) {
  ModState* st = State(w->module);
  int rc = append_steal(out, PyUnicode_FromString("["));
  Py_BEGIN_CRITICAL_SECTION(seq);
  /* the size read on each step: a nested section may be suspended */
  for (Py_ssize_t i = 0; rc == 0 && i < Py_SIZE(seq); i++) {
    PyObject* item = PyList_Check(seq) ? PyList_GET_ITEM(seq, i) : PyTuple_GET_ITEM(seq, i);
    Py_INCREF(item);
    if ((i && append_steal(out, PyUnicode_FromString(","))) || write_obj(w, out, item)) {
      annotate(st, "when writing %.80s item %zd", Py_TYPE(seq)->tp_name, i);
      rc = -1;
    }
    Py_DECREF(item);
  }
  Py_END_CRITICAL_SECTION();
  if (rc == 0) rc = append_steal(out, PyUnicode_FromString("]"));
  return rc;
}

static int write_obj(Writer* w, PyObject* out, PyObject* obj) {
  if (obj == Py_None) return append_steal(out, PyUnicode_FromString("null"));
  if (obj == Py_True) return append_steal(out, PyUnicode_FromString("true"));
  if (obj == Py_False) return append_steal(out, PyUnicode_FromString("false"));
  if (PyUnicode_Check(obj)) return append_steal(out, escape_str(obj, w->ascii));
  if (PyLong_Check(obj)) {
    /* int(obj) first: a subclass's own __str__ must not leak in */
    PyObject* exact = PyObject_CallOneArg((PyObject*)&PyLong_Type, obj);
    if (exact == NULL) return -1;
    int rc = append_steal(out, PyObject_Str(exact));
    Py_DECREF(exact);
    return rc;
  }
  if (PyFloat_Check(obj)) {
    double d = PyFloat_AS_DOUBLE(obj);
    if (!Py_IS_FINITE(d)) {
      PyErr_SetString(PyExc_ValueError, "Out of range float values are not JSON compliant");
      return -1;
    }
    return append_steal(out, PyObject_Repr(obj));
  }
  if (PyList_Check(obj) || PyTuple_Check(obj) || PyDict_Check(obj)) {
    PyObject* ident;
    if (push_marker(w, obj, &ident) < 0) return -1;
    if (Py_EnterRecursiveCall(" while writing a JSON document")) {
      Py_DECREF(ident);
      return -1;
    }
    int rc = PyDict_Check(obj) ? write_dict(w, out, obj) : write_list(w, out, obj);
    Py_LeaveRecursiveCall();
    if (rc == 0) rc = PyDict_DelItem(w->markers, ident);
    Py_DECREF(ident);
    return rc;
  }
  PyErr_Format(PyExc_TypeError, "Object of type %.80s is not JSON serializable",
               Py_TYPE(obj)->tp_name);
  return -1;
}

static PyObject* writer_call(PyObject* self, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"obj", NULL};
  PyObject* obj;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:write", kwlist, &obj)) return NULL;
  Writer* w = (Writer*)self;
  PyObject* out = PyList_New(0);
  if (out == NULL) return NULL;
  int rc;
  Py_BEGIN_CRITICAL_SECTION(self);
  rc = write_obj(w, out, obj);
  PyDict_Clear(w->markers);
  Py_END_CRITICAL_SECTION();
  PyObject* s = rc == 0 ? PyUnicode_Join(State(w->module)->empty_str, out) : NULL;
  Py_DECREF(out);
  return s;
}

static PyObject* writer_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"sort_keys", "ensure_ascii", NULL};
  PyObject* sort_keys = Py_False;
  int ascii = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|Op:Writer", kwlist, &sort_keys, &ascii)) {
    return NULL;
  }
  Writer* w = (Writer*)type->tp_alloc(type, 0);
  if (w == NULL) return NULL;
  w->module = Py_XNewRef(PyType_GetModuleByDef(type, &g_def));
  w->sort_keys = Py_NewRef(sort_keys);
  w->markers = PyDict_New();
  w->ascii = ascii;
  w->sort = PyObject_IsTrue(sort_keys);
  if (w->module == NULL || w->markers == NULL || w->sort < 0) {
    Py_DECREF(w);
    return NULL;
  }
  return (PyObject*)w;
}

static int writer_traverse(PyObject* self, visitproc visit, void* arg) {
  Writer* w = (Writer*)self;
  Py_VISIT(Py_TYPE(self));
  Py_VISIT(w->module);
  Py_VISIT(w->sort_keys);
  Py_VISIT(w->markers);
  return 0;
}

static int writer_clear(PyObject* self) {
  Writer* w = (Writer*)self;
  Py_CLEAR(w->module);
  Py_CLEAR(w->sort_keys);
  Py_CLEAR(w->markers);
  return 0;
}

static void writer_dealloc(PyObject* self) {
  PyTypeObject* tp = Py_TYPE(self);
  PyObject_GC_UnTrack(self);
  writer_clear(self);
  tp->tp_free(self);
  Py_DECREF(tp);
}

static PyType_Slot writer_slots[] = {
    {Py_tp_dealloc, writer_dealloc},
    {Py_tp_call, writer_call},
    {Py_tp_traverse, writer_traverse},
    {Py_tp_clear, writer_clear},
    {Py_tp_members, writer_members},
    {Py_tp_new, writer_new},
    {0, NULL},
};
static PyType_Spec writer_spec = {"ft_json.Writer", sizeof(Writer), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, writer_slots};

/* ---- module ------------------------------------------------------------------ */

static PyObject* is_escape(PyObject* module, PyObject* f) {
  (void)module;
  return PyBool_FromLong(PyCFunction_Check(f) && PyCFunction_GetFunction(f) == escape);
}

static PyMethodDef g_methods[] = {
    {"escape", escape, METH_O, NULL},
    {"is_escape", is_escape, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static int exec_module(PyObject* m) {
  ModState* st = State(m);
  st->reader_type = PyType_FromModuleAndSpec(m, &reader_spec, NULL);
  st->writer_type = PyType_FromModuleAndSpec(m, &writer_spec, NULL);
  if (st->reader_type == NULL || st->writer_type == NULL) return -1;
  if (PyModule_AddObjectRef(m, "Reader", st->reader_type) < 0) return -1;
  if (PyModule_AddObjectRef(m, "Writer", st->writer_type) < 0) return -1;
  PyObject* support = PyImport_ImportModule("ft_json_support");
  if (support == NULL) return -1;
  st->decode_error = PyObject_GetAttrString(support, "DecodeError");
  st->itemgetter0 = PyObject_CallMethod(support, "itemgetter", "i", 0);
  Py_DECREF(support);
  st->empty_str = PyUnicode_New(0, 127);
  st->str_sort = PyUnicode_InternFromString("sort");
  st->str_add_note = PyUnicode_InternFromString("add_note");
  st->sortargs = PyTuple_New(0);
  if (st->decode_error == NULL || st->itemgetter0 == NULL || st->empty_str == NULL ||
      st->str_sort == NULL || st->str_add_note == NULL || st->sortargs == NULL) {
    return -1;
  }
  return 0;
}

static int traverse_module(PyObject* m, visitproc visit, void* arg) {
  ModState* st = State(m);
  Py_VISIT(st->reader_type);
  Py_VISIT(st->writer_type);
  Py_VISIT(st->decode_error);
  Py_VISIT(st->itemgetter0);
  return 0;
}

static int clear_module(PyObject* m) {
  ModState* st = State(m);
  Py_CLEAR(st->reader_type);
  Py_CLEAR(st->writer_type);
  Py_CLEAR(st->decode_error);
  Py_CLEAR(st->itemgetter0);
  Py_CLEAR(st->empty_str);
  Py_CLEAR(st->str_sort);
  Py_CLEAR(st->str_add_note);
  Py_CLEAR(st->sortargs);
  return 0;
}

static void free_module(void* m) { clear_module((PyObject*)m); }

static PyModuleDef_Slot g_slots[] = {
    {Py_mod_exec, exec_module},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static struct PyModuleDef g_def = {
    PyModuleDef_HEAD_INIT, "ft_json",    NULL,        sizeof(ModState), g_methods, g_slots,
    traverse_module,       clear_module, free_module,
};

PyMODINIT_FUNC PyInit_ft_json(void) { return PyModuleDef_Init(&g_def); }
