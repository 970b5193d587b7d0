/**
 * Company striping. F&O stripes company-specific rows by `dataAreaId` (lowercase, e.g. `usmf`);
 * Dataverse rows carry a lookup to `cdm_companies`, whose `cdm_companycode` holds the same code
 * in uppercase (`USMF`). Maps never map the company column themselves: a map with
 * `scope: "company"` gets the pairing implicitly, here.
 */
export const FINOPS_COMPANY_COLUMN = 'dataAreaId';
export const DATAVERSE_COMPANY_ENTITY_SET = 'cdm_companies';
export const DATAVERSE_COMPANY_ID_COLUMN = 'cdm_companyid';
export const DATAVERSE_COMPANY_CODE_COLUMN = 'cdm_companycode';

export function companyCodeForDataverse(dataAreaId: string): string {
  return dataAreaId.toUpperCase();
}

export function companyCodeForFinops(companyCode: string): string {
  return companyCode.toLowerCase();
}

/** How Dataverse returns a lookup's GUID in a row: `_<column>_value`. */
export function lookupValueColumn(column: string): string {
  return `_${column}_value`;
}
