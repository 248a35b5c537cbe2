// dir(): see dir.h.
#include "object/dir.h"

#include "object/attributes.h"
#include "object/call.h"
#include "object/descriptors.h"
#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/module.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_internal.h"
#include "object/str.h"
#include "object/type_cache.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

using internal::g_names;

// Adds every key of `mapping` to `dict` (values are irrelevant to dir: a
// key keeps the first position it got). A dict is walked with DictNext;
// any other mapping through its keys(), as PyDict_Update does.
int MergeKeys(PyObject* dict, PyObject* mapping) {
  if (IsDict(mapping)) {
    Py_ssize_t pos = 0;
    Ref<> key, value;
    while (DictNext(mapping, &pos, &key, &value)) {
      if (OkOrRaise(DictSetItem(dict, key.get(), value.get())) < 0) return -1;
    }
    return 0;
  }
  Ref<> keys = CallMethod(mapping, "keys", {});
  if (!keys) return -1;
  Ref<> it = GetIter(keys.get());
  if (!it) return -1;
  Ref<> key;
  int rc;
  while ((rc = IterNextItem(it.get(), &key)) > 0) {
    if (OkOrRaise(DictSetItem(dict, key.get(), None())) < 0) return -1;
  }
  return rc;
}

// CPython's merge_class_dict: aclass.__dict__'s keys, then each base's,
// recursively (a missing __dict__ or __bases__ is skipped).
int MergeClassDict(PyObject* dict, PyObject* aclass) {
  Ref<> classdict;
  if (GetOptionalAttr(aclass, g_names.dunder_dict, &classdict) < 0) return -1;
  if (classdict && MergeKeys(dict, classdict.get()) < 0) return -1;
  Ref<> bases_name = RefOrRaise(StrFromUtf8("__bases__"));
  if (!bases_name) return -1;
  Ref<> bases;
  const int found = GetOptionalAttr(aclass, bases_name.get(), &bases);
  if (found <= 0) return found;
  Ref<> it = GetIter(bases.get());
  if (!it) return -1;
  Ref<> base;
  int rc;
  while ((rc = IterNextItem(it.get(), &base)) > 0) {
    if (MergeClassDict(dict, base.get()) < 0) return -1;
  }
  return rc;
}

Ref<> KeysList(PyObject* dict) {
  Ref<> list = RefOrRaise(ListNew());
  if (!list) return nullptr;
  Py_ssize_t pos = 0;
  Ref<> key, value;
  while (DictNext(dict, &pos, &key, &value)) {
    if (OkOrRaise(ListAppend(list.get(), key.get())) < 0) return nullptr;
  }
  return list;
}

PyObject* ObjectDirMethod(PyObject* self, PyObject*) {
  Ref<> dict;
  Ref<> own = GetAttr(self, g_names.dunder_dict);
  if (own && IsDict(own.get())) {
    dict = RefOrRaise(DictNew());
    if (!dict || MergeKeys(dict.get(), own.get()) < 0) return nullptr;
  } else {
    if (!own) ClearError();
    dict = RefOrRaise(DictNew());
    if (!dict) return nullptr;
  }
  Ref<> cls = GetAttr(self, g_names.dunder_class);
  if (!cls) {
    ClearError();
  } else if (MergeClassDict(dict.get(), cls.get()) < 0) {
    return nullptr;
  }
  return KeysList(dict.get()).Release();
}

PyObject* TypeDirMethod(PyObject* self, PyObject*) {
  Ref<> dict = RefOrRaise(DictNew());
  if (!dict || MergeClassDict(dict.get(), self) < 0) return nullptr;
  return KeysList(dict.get()).Release();
}

PyObject* ModuleDirMethod(PyObject* self, PyObject*) {
  Ref<> dict = GetAttr(self, g_names.dunder_dict);
  if (!dict) return nullptr;
  if (!IsDict(dict.get())) {
    return SetErrorFormat(PyExc_TypeError, "<module>.__dict__ is not a dictionary");
  }
  Ref<> dir_name = RefOrRaise(StrFromUtf8("__dir__"));
  if (!dir_name) return nullptr;
  absl::StatusOr<Ref<>> custom = DictGetItemRefOrNull(dict.get(), dir_name.get());
  if (!custom.ok()) return RefOrRaise(std::move(custom)).Release();
  if (*custom) return CallNoArgs(custom->get()).Release();
  return KeysList(dict.get()).Release();
}

PyMethodDef g_object_dir = {"__dir__", ObjectDirMethod, METH_NOARGS,
                            "Default dir() implementation."};
PyMethodDef g_type_dir = {"__dir__", TypeDirMethod, METH_NOARGS,
                          "Specialized __dir__ implementation for types."};
PyMethodDef g_module_dir = {"__dir__", ModuleDirMethod, METH_NOARGS,
                            "Specialized dir() implementation"};

void AddDirMethod(PyTypeObject* type, PyMethodDef* def) {
  Ref<> descr = NewMethodDescr(type, def);
  FTRT_CHECK(descr, "could not make %s.__dir__", type->tp_name);
  FTRT_CHECK(OkOrRaise(DictSetItemString(type->tp_dict, "__dir__", descr.get())) == 0,
             "could not add %s.__dir__", type->tp_name);
  internal::ImmortalizeTree(descr.get());
  TypeModified(type);
}

}  // namespace

Ref<> DirOf(PyObject* obj) {
  Ref<> name = RefOrRaise(StrFromUtf8("__dir__"));
  if (!name) return nullptr;
  // The special-method lookup: on the type, bound to obj.
  Ref<> func = TypeLookup(obj->ob_type, name.get());
  if (!func) {
    if (HasError()) return nullptr;
    return SetErrorFormat(PyExc_TypeError, "object does not provide __dir__");
  }
  if (descrgetfunc get = func->ob_type->tp_descr_get) {
    func = Ref<>::Steal(get(func.get(), obj, reinterpret_cast<PyObject*>(obj->ob_type)));
    if (!func) return nullptr;
  }
  Ref<> result = CallNoArgs(func.get());
  if (!result) return nullptr;
  // list(result): its own error text ("'int' object is not iterable").
  Ref<> it = GetIter(result.get());
  if (!it) return nullptr;
  Ref<> list = RefOrRaise(ListNew());
  if (!list) return nullptr;
  Ref<> item;
  int rc;
  while ((rc = IterNextItem(it.get(), &item)) > 0) {
    if (OkOrRaise(ListAppend(list.get(), item.get())) < 0) return nullptr;
  }
  if (rc < 0) return nullptr;
  if (OkOrRaise(ListSort(list.get())) < 0) return nullptr;
  return list;
}

namespace internal {
void InstallDirMethods() {
  AddDirMethod(ObjectType(), &g_object_dir);
  AddDirMethod(TypeType(), &g_type_dir);
  AddDirMethod(&PyModule_Type, &g_module_dir);
}
}  // namespace internal

}  // namespace ftrt
