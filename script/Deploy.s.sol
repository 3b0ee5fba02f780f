// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PodiumDistributor} from "../contracts/PodiumDistributor.sol";
import {Vm} from "../test/utils/Vm.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Deploys a PodiumDistributor. Parameters come from a JSON file (`PODIUM_DEPLOY_CONFIG`, a path
/// under script/, e.g. script/config/example.json) or, without it, from environment variables:
///
///   PODIUM_CHAIN_ID        the chain this must run on (required: LPT's address differs per chain)
///   PODIUM_TOKEN           the ERC20 paid out
///   PODIUM_FUNDER          receives leftovers; may revoke pending roots
///   PODIUM_COMMITTEE       posts roots (often a Safe)
///   PODIUM_START           unix time round 1 starts
///   PODIUM_ROUND_DURATION  seconds per round
///   PODIUM_ROUND_COUNT     number of rounds
///   PODIUM_ROUND_BUDGET    most one round may pay, in token wei
///   PODIUM_ROOT_DELAY      seconds between posting a root and its becoming claimable
///   PODIUM_CLAIM_WINDOW    seconds claims stay open after the last round
///
/// The JSON file uses the same names in camelCase (chainId, token, funder, committee, start, roundDuration,
/// roundCount, roundBudget, rootDelay, claimWindow); numbers may be JSON numbers or decimal strings.
/// No key is ever read here: sign with forge's wallet options, e.g.
///   forge script script/Deploy.s.sol --rpc-url $ETH_RPC_URL --broadcast --account committee-deployer
contract Deploy {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @notice The deployment parameters.
    struct Config {
        uint256 chainId;
        address token;
        address funder;
        address committee;
        uint256 start;
        uint256 roundDuration;
        uint256 roundCount;
        uint256 roundBudget;
        uint256 rootDelay;
        uint256 claimWindow;
    }

    function run() external returns (PodiumDistributor distributor) {
        Config memory cfg = vm.envExists("PODIUM_DEPLOY_CONFIG")
            ? fromJson(vm.readFile(vm.envOr("PODIUM_DEPLOY_CONFIG", string(""))))
            : fromEnv();
        distributor = deploy(cfg);
    }

    /// @notice Checks `cfg` against the chain and deploys (broadcast with the wallet forge was given).
    function deploy(Config memory cfg) public returns (PodiumDistributor distributor) {
        require(
            cfg.chainId == block.chainid,
            string.concat(
                "Deploy: config is for chain ", vm.toString(cfg.chainId), ", connected to ", vm.toString(block.chainid)
            )
        );
        require(cfg.token.code.length > 0, string.concat("Deploy: token ", vm.toString(cfg.token), " has no code"));
        vm.startBroadcast();
        distributor = new PodiumDistributor(
            IERC20(cfg.token),
            cfg.funder,
            cfg.committee,
            cfg.start,
            cfg.roundDuration,
            cfg.roundCount,
            cfg.roundBudget,
            cfg.rootDelay,
            cfg.claimWindow
        );
        vm.stopBroadcast();
    }

    function fromEnv() public view returns (Config memory cfg) {
        cfg.chainId = vm.envUint("PODIUM_CHAIN_ID");
        cfg.token = vm.envAddress("PODIUM_TOKEN");
        cfg.funder = vm.envAddress("PODIUM_FUNDER");
        cfg.committee = vm.envAddress("PODIUM_COMMITTEE");
        cfg.start = vm.envUint("PODIUM_START");
        cfg.roundDuration = vm.envUint("PODIUM_ROUND_DURATION");
        cfg.roundCount = vm.envUint("PODIUM_ROUND_COUNT");
        cfg.roundBudget = vm.envUint("PODIUM_ROUND_BUDGET");
        cfg.rootDelay = vm.envUint("PODIUM_ROOT_DELAY");
        cfg.claimWindow = vm.envUint("PODIUM_CLAIM_WINDOW");
    }

    function fromJson(string memory json) public pure returns (Config memory cfg) {
        cfg.chainId = vm.parseJsonUint(json, ".chainId");
        cfg.token = vm.parseJsonAddress(json, ".token");
        cfg.funder = vm.parseJsonAddress(json, ".funder");
        cfg.committee = vm.parseJsonAddress(json, ".committee");
        cfg.start = vm.parseJsonUint(json, ".start");
        cfg.roundDuration = vm.parseJsonUint(json, ".roundDuration");
        cfg.roundCount = vm.parseJsonUint(json, ".roundCount");
        cfg.roundBudget = vm.parseJsonUint(json, ".roundBudget");
        cfg.rootDelay = vm.parseJsonUint(json, ".rootDelay");
        cfg.claimWindow = vm.parseJsonUint(json, ".claimWindow");
    }
}
