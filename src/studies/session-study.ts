/**
 * Which study a stored session or record belongs to. Sessions and records written before
 * studies were data name none: they are the native IOM study's.
 */
import type { NativeStudy, Study, StudyCatalog, StudyKey } from "./study.ts";

/** The native study of a catalog, if it runs one. */
export function nativeStudy(studies: StudyCatalog): NativeStudy | undefined {
  return studies.all().find((study): study is NativeStudy => study.kind === "native");
}

/**
 * The study a session names; a session naming none belongs to the native study. A session of
 * an older version of a form carries on in the newest version the deployment runs (the engines
 * reconcile answers with the new version). Undefined when the deployment no longer runs that
 * form at all (its workbook was removed).
 */
export function studyOfSession(studies: StudyCatalog, key: StudyKey | undefined): Study | undefined {
  if (key === undefined) return nativeStudy(studies);
  return studies.byKey(key) ?? studies.byFormId(key.slice(0, key.lastIndexOf("@")));
}
