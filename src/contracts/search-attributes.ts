import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Set on every dualwrite workflow so operators can filter in the Temporal UI, e.g. DualWriteState="Paused". */
export const DUALWRITE_MAP = defineSearchAttributeKey('DualWriteMap', SearchAttributeType.KEYWORD);
export const DUALWRITE_STATE = defineSearchAttributeKey('DualWriteState', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [DUALWRITE_MAP, DUALWRITE_STATE];

/** The `--search-attribute` flags that register them on a dev server. */
export const searchAttributeFlags = (): string[] =>
  SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);
