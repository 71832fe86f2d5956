import { readFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../model/errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { editTargetRevision } from "./edit-target-revision.js";
import { formatPromotionBody } from "./format-promotion.js";
import { isUpToDate, type PromotionPlan } from "./promotion-plan.js";

export interface ApplyPromotionOptions {
  repoRoot: string;
  /** Where to write the pull-request body (Markdown); not written when left out. */
  prBodyFile?: string;
}

export interface AppliedPromotion {
  /** The Application file that changed, repository-relative. */
  file: string;
  prBodyFile: string | undefined;
}

/**
 * Writes the promotion: the one-line `targetRevision` change in the `to` Application's file
 * (the rest of the file byte for byte as it was) and the pull-request body, each atomically.
 * Refused, with nothing written, when the plan has refusals or nothing to promote, or when the
 * file no longer holds the pin the plan was made from.
 */
export async function applyPromotion(plan: PromotionPlan, options: ApplyPromotionOptions): Promise<AppliedPromotion> {
  if (isUpToDate(plan)) {
    throw new UserError(`nothing to promote: ${plan.to} already runs ${plan.candidate.commit.slice(0, 12)}`);
  }
  if (plan.refusals.length > 0) {
    throw new UserError(
      `refusing to promote ${plan.from} to ${plan.to} (${plan.candidate.commit.slice(0, 12)}); nothing was written:\n` +
        plan.refusals.map((refusal) => `  - ${refusal}`).join("\n"),
    );
  }
  const file = path.resolve(options.repoRoot, plan.application.file);
  const text = await readFile(file, "utf8").catch((error: unknown) => {
    throw new UserError(`cannot read ${plan.application.file}: ${(error as Error).message}`);
  });
  const edited = editTargetRevision(
    text,
    { applicationName: plan.application.name, pointer: plan.application.pointer, from: plan.currentPin.commit, to: plan.candidate.commit },
    plan.application.file,
  );
  if (options.prBodyFile !== undefined) await writeFileAtomic(options.prBodyFile, formatPromotionBody(plan));
  await writeFileAtomic(file, edited);
  return { file: plan.application.file, prBodyFile: options.prBodyFile };
}
