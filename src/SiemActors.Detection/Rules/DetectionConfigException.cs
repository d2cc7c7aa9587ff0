namespace SiemActors.Detection.Rules;

/// <summary>A detection rule or setting the node cannot start with; the message names the rule and what to change.</summary>
public sealed class DetectionConfigException(string message) : Exception(message);
