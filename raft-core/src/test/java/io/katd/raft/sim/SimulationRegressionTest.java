package io.katd.raft.sim;

import org.junit.jupiter.api.Test;

/**
 * Scenarios that once failed, pinned so that they keep passing; each fails again if the
 * simulator fix it documents is undone. All of them were simulator bugs (the simulator
 * broke an assumption the protocol may rely on); the protocol has not failed the property.
 */
class SimulationRegressionTest {
    private static void replay(String scenario) {
        SimulationRunner.runOrExplain(Scenario.parse(scenario), null);
    }

    /**
     * The outcome of a snapshot sent by a paused leader was dropped; a leader waits for
     * it (ReportSnapshot) before it sends the follower anything else, so the new learner
     * never caught up. A paused process learns the outcome when it resumes.
     */
    @Test
    void aPausedLeaderStillLearnsWhatBecameOfItsSnapshot() {
        replay("seed=429,size=3,preVote=false,checkQuorum=true,stepDownOnRemoval=true,"
                + "heartbeatTicks=3,maxInflightMsgs=4,maxMsgBytes=0,maxUncommittedBytes=0,"
                + "faultTicks=108,drop=0.009,duplicate=0.013,maxDelay=9,spike=0.011,"
                + "partition=0.047,crash=0.022,loseUnsynced=0.24,pause=0.017,propose=0.02,"
                + "read=0.017,confChange=0.019,transfer=0.02,disrupt=0.018,snapshotEvery=4,"
                + "snapshotUnavailable=0.034,batch=0.008");
    }

    /**
     * A change planned on a stale view added a removed node back; the node restarted
     * below its removal and applied the removal and its re-addition in one Ready. It must
     * be running (again) as a member.
     */
    @Test
    void aNodeRemovedAndAddedBackInOneReadyStaysUp() {
        replay("seed=215,size=3,preVote=true,checkQuorum=false,stepDownOnRemoval=false,"
                + "heartbeatTicks=2,maxInflightMsgs=1,maxMsgBytes=0,maxUncommittedBytes=0,"
                + "faultTicks=124,drop=0.0,duplicate=0.009,maxDelay=30,spike=0.03,"
                + "partition=0.029,crash=0.003,loseUnsynced=0.002,pause=0.003,propose=0.024,"
                + "read=0.031,confChange=0.015,transfer=0.01,disrupt=0.013,snapshotEvery=15,"
                + "snapshotUnavailable=0.159,batch=0.013");
    }

    /**
     * A leader removed by a joint change stopped as soon as it applied the change, before
     * the others learnt it was committed; they stayed in the joint configuration, which
     * needs the stopped node. A removed node stops only once every member applied it.
     */
    @Test
    void aRemovedLeaderStopsOnlyOnceEveryMemberAppliedItsRemoval() {
        replay("seed=-22,size=3,preVote=true,checkQuorum=true,stepDownOnRemoval=true,"
                + "heartbeatTicks=3,maxInflightMsgs=256,maxMsgBytes=0,maxUncommittedBytes=0,"
                + "faultTicks=131,drop=0.037,duplicate=0.008,maxDelay=19,spike=0.026,"
                + "partition=0.007,crash=0.0,loseUnsynced=0.015,pause=0.003,propose=0.617,"
                + "read=0.278,confChange=0.058,transfer=0.01,disrupt=0.013,snapshotEvery=34,"
                + "snapshotUnavailable=0.007,batch=0.129");
    }
}
