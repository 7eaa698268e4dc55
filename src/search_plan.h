/* search_plan.h - the numbers that decide how a query is carried out, in
 * one place, each with its reason (the ranking weights are in
 * search_weights.h). None changes which passages match. */
#ifndef ZHIKU_SEARCH_PLAN_H
#define ZHIKU_SEARCH_PLAN_H

/* Candidate sets up to this size are always checked whole, so that small
 * results have exact counts; larger ones are checked only as far as the
 * page needs, unless exact counts are asked for. */
#define ZK_EXACT_BELOW 64

/* A reader that loses its revision to a writer's later commits (Xapian's
 * DatabaseModifiedError) reopens and tries again, this many times; from the
 * third attempt on it first waits a little longer each time (1, 2, 4 ... up
 * to 32 ms), so that a writer committing in quick succession cannot starve
 * it. */
#define ZK_READ_ATTEMPTS 24

#endif
