<#-- The skeleton of every worker job script: shebang, header directives, prologue, worker command, epilogue.
     header, prologue and epilogue are lists of finished lines; workerCommand is the lines that start the worker (the
     choice of its java from worker-java.ftl when it is made on the node, then the worker's command), shell-quoted. -->
${shebang}

<#if header?has_content>
<#list header as line>
${line}
</#list>

</#if>
<#list prologue as line>
${line}
</#list>
${workerCommand}
<#list epilogue as line>
${line}
</#list>
