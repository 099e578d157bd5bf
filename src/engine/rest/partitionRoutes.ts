// /v2/vectordb/partitions/*: list, create, has, load, release, get_stats, drop.

import { type Route, collectionOf, ok } from './route';
import { missing } from './wire';

export const partitionRoutes: Record<string, Route> = {
  list: async (db, body) => ok(collectionOf(db, body).partitions.names()),

  create: async (db, body) => {
    await collectionOf(db, body).createPartition(body.str('partitionName'));
    return ok();
  },

  has: async (db, body) => ok({ has: collectionOf(db, body).partitions.has(body.str('partitionName')) }),

  load: async (db, body) => {
    collectionOf(db, body).partitions.load(namesOf(body.optStrArr('partitionNames')));
    return ok();
  },

  release: async (db, body) => {
    collectionOf(db, body).partitions.release(namesOf(body.optStrArr('partitionNames')));
    return ok();
  },

  get_stats: async (db, body) => ok(collectionOf(db, body).partitionStats(body.str('partitionName'))),

  drop: async (db, body) => {
    await collectionOf(db, body).dropPartition(body.str('partitionName'));
    return ok();
  },
};

function namesOf(names: string[] | undefined): string[] {
  if (!names || names.length === 0) throw missing('partitionNames', 'a non-empty array of partition names');
  return names;
}
