import type { OperationHandler } from '../context';
import { createDomain, deleteDomain, describeDomain, listDomains, updateDomain } from './domains';
import { evaluateSession } from './evaluate-session';
import { associateFraudster, deleteFraudster, describeFraudster, disassociateFraudster, listFraudsters } from './fraudsters';
import {
  describeFraudsterRegistrationJob,
  describeSpeakerEnrollmentJob,
  listFraudsterRegistrationJobs,
  listSpeakerEnrollmentJobs,
  startFraudsterRegistrationJob,
  startSpeakerEnrollmentJob,
} from './jobs';
import { deleteSpeaker, describeSpeaker, listSpeakers, optOutSpeaker } from './speakers';
import { listTagsForResource, tagResource, untagResource } from './tags';
import { createWatchlist, deleteWatchlist, describeWatchlist, listWatchlists, updateWatchlist } from './watchlists';

/** Every Voice ID operation, by its model name. A test checks this covers the model exactly. */
export const OPERATIONS: Readonly<Record<string, OperationHandler>> = {
  AssociateFraudster: associateFraudster,
  CreateDomain: createDomain,
  CreateWatchlist: createWatchlist,
  DeleteDomain: deleteDomain,
  DeleteFraudster: deleteFraudster,
  DeleteSpeaker: deleteSpeaker,
  DeleteWatchlist: deleteWatchlist,
  DescribeDomain: describeDomain,
  DescribeFraudster: describeFraudster,
  DescribeFraudsterRegistrationJob: describeFraudsterRegistrationJob,
  DescribeSpeaker: describeSpeaker,
  DescribeSpeakerEnrollmentJob: describeSpeakerEnrollmentJob,
  DescribeWatchlist: describeWatchlist,
  DisassociateFraudster: disassociateFraudster,
  EvaluateSession: evaluateSession,
  ListDomains: listDomains,
  ListFraudsterRegistrationJobs: listFraudsterRegistrationJobs,
  ListFraudsters: listFraudsters,
  ListSpeakerEnrollmentJobs: listSpeakerEnrollmentJobs,
  ListSpeakers: listSpeakers,
  ListTagsForResource: listTagsForResource,
  ListWatchlists: listWatchlists,
  OptOutSpeaker: optOutSpeaker,
  StartFraudsterRegistrationJob: startFraudsterRegistrationJob,
  StartSpeakerEnrollmentJob: startSpeakerEnrollmentJob,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateDomain: updateDomain,
  UpdateWatchlist: updateWatchlist,
};
