<#-- PBS directives, in the order dask-jobqueue writes them; each only when its value is set. -->
<#if jobName??>
#PBS -N ${jobName}
</#if>
<#if queue??>
#PBS -q ${queue}
</#if>
<#if account??>
#PBS -A ${account}
</#if>
<#if cores?? && memory??>
#PBS -l select=1:ncpus=${cores}:mem=${memory.pbs}
<#elseif cores??>
#PBS -l select=1:ncpus=${cores}
<#elseif memory??>
#PBS -l select=1:mem=${memory.pbs}
</#if>
<#if walltime??>
#PBS -l walltime=${walltime.pbs}
</#if>
<#if logDirectory??>
#PBS -e ${logDirectory}/
#PBS -o ${logDirectory}/
</#if>
