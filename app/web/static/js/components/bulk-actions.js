// Changing many issues at once: by ids, or every issue of a search (paged through, bounded).
import { gql } from "../api.js";

// bulkUpdateIssues takes at most this many ids; "all matching" stops there too.
export const MAX_BULK = 1000;
const PAGE = 100;
const DELETES_PER_REQUEST = 25; // aliases per document are limited (30)

const IDS = `query($p: ID!, $state: IssueState, $search: String, $sort: IssueSort!, $environment: String,
  $release: String, $after: String) {
  project(id: $p) { issues(state: $state, search: $search, sort: $sort, environment: $environment,
    release: $release, first: ${PAGE}, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } } }`;

/** The ids of every issue the filters match, at most MAX_BULK. */
export async function matchingIds(projectId, variables) {
  const ids = [];
  let after = null;
  while (ids.length < MAX_BULK) {
    const data = await gql(IDS, { ...variables, p: projectId, after });
    const connection = data.project.issues;
    ids.push(...connection.edges.map((edge) => edge.node.id));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return ids.slice(0, MAX_BULK);
}

/** Set the state of `ids` (one all-or-nothing mutation). */
export async function setState(ids, state) {
  const data = await gql(`mutation($ids: [ID!]!, $state: IssueState!) { bulkUpdateIssues(ids: $ids, state: $state) { id state } }`, { ids, state });
  return data.bulkUpdateIssues;
}

/** Delete `ids`, a bounded batch of aliased deleteIssue per request. */
export async function deleteIssues(ids) {
  for (let start = 0; start < ids.length; start += DELETES_PER_REQUEST) {
    const batch = ids.slice(start, start + DELETES_PER_REQUEST);
    const params = batch.map((_, i) => `$i${i}: ID!`).join(", ");
    const fields = batch.map((_, i) => `d${i}: deleteIssue(id: $i${i})`).join(" ");
    const variables = Object.fromEntries(batch.map((id, i) => [`i${i}`, id]));
    await gql(`mutation(${params}) { ${fields} }`, variables);
  }
}
