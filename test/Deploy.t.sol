// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Deploy} from "../script/Deploy.s.sol";
import {Test} from "./utils/Test.sol";

/// @notice The deploy script's parameter parsing (the deployment itself is the constructor, tested elsewhere).
contract DeployScriptTest is Test {
    function test_Deploy_ReadsExampleConfig() public {
        Deploy script = new Deploy();
        Deploy.Config memory cfg =
            script.fromJson(vm.readFile(string.concat(vm.projectRoot(), "/script/config/example.json")));
        assertEq(cfg.chainId, 42_161);
        assertEq(cfg.token, 0x289ba1701C2F088cf0faf8B3705246331cB8A839);
        assertEq(cfg.funder, address(0xF00));
        assertEq(cfg.committee, address(0xC0C));
        assertEq(cfg.start, 1_767_225_600);
        assertEq(cfg.roundDuration, 7 days);
        assertEq(cfg.roundCount, 3);
        assertEq(cfg.roundBudget, 7000e18);
        assertEq(cfg.rootDelay, 2 days);
        assertEq(cfg.claimWindow, 90 days);
    }

    function test_RevertWhen_DeployOnWrongChain() public {
        Deploy script = new Deploy();
        Deploy.Config memory cfg;
        cfg.chainId = block.chainid + 1;
        vm.expectRevert(
            bytes(
                string.concat(
                    "Deploy: config is for chain ",
                    vm.toString(block.chainid + 1),
                    ", connected to ",
                    vm.toString(block.chainid)
                )
            )
        );
        script.deploy(cfg);
    }
}
