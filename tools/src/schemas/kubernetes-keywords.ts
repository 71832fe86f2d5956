import { _, Name, str, type Ajv, type KeywordCxt } from "ajv";
import { LIST_MAP_DUPLICATES, LIST_MAP_KEYS, listMapDuplicates } from "./list-map.js";

/** Registers the keywords our schemas use beyond draft-07 (JSON-Schema validators that do not know them ignore them). */
export function addKubernetesKeywords(ajv: Ajv): void {
  // A code-generating keyword, so that ajv's standalone code can hold it.
  ajv.addKeyword({ keyword: LIST_MAP_KEYS, type: "array", schemaType: "array", code: listMapKeysCode });
}

function listMapKeysCode(cxt: KeywordCxt): void {
  const { gen, data, schemaValue, it } = cxt;
  const duplicates = gen.scopeValue("func", { ref: listMapDuplicates, code: _`${new Name(LIST_MAP_DUPLICATES)}` });
  const instancePath = it.errorPath === undefined ? _`instancePath` : _`instancePath + ${it.errorPath}`;
  const errors = gen.const("listMapErrors", _`${duplicates}(${schemaValue}, ${data}, ${instancePath}, ${str`${it.errSchemaPath}/${LIST_MAP_KEYS}`}, ${it.opts.verbose === true})`);
  gen.if(_`${errors}.length > 0`, () => {
    gen.assign(_`vErrors`, _`vErrors === null ? ${errors} : vErrors.concat(${errors})`).assign(_`errors`, _`vErrors.length`);
  });
}
